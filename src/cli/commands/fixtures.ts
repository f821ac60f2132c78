/**
 * `autogenda fixtures --out DIR`: writes the tiny random-weight test models (models/fixtures) as real
 * manifests + files, and an index, so the whole pipeline can run offline. They check plumbing only;
 * the command, README.txt and the index all say so, because a number from them is not a result.
 */
import { AutoGenDAError } from '../../core/errors.ts';
import type { ModelManifest } from '../../models/manifest.ts';
import { formatFlags, parseArgs, UsageError } from '../args.ts';
import { type Command, EXIT } from '../command.ts';

export const FIXTURES_WARNING = [
  '*** WARNING: RANDOM-WEIGHT PLUMBING FIXTURES — NOT REAL MODELS ***',
  'These tiny models have random weights. They exist only to check that the pipeline runs end to end',
  'offline. Captions, images, features, policies and accuracies made with them are NOT results:',
  'never report or compare them.',
];

/** The index file written next to the model folders. */
export const FIXTURES_INDEX = 'fixtures.json';

export interface FixturesFs {
  writeFile(path: string, data: Uint8Array): Promise<void>;
  mkdir(path: string, options: { recursive: boolean }): Promise<void>;
}

// Only what this file uses; tsconfig type-checks src against the DOM libs, not Deno's.
declare const Deno: FixturesFs;

function denoFs(): FixturesFs {
  if (!('Deno' in globalThis)) throw new Error('fixtures: no file system given and not running in Deno');
  return { writeFile: (p, d) => Deno.writeFile(p, d), mkdir: (p, o) => Deno.mkdir(p, o) };
}

interface Package {
  manifest: ModelManifest;
  files: Map<string, Uint8Array>;
}

/** Every fixture package, built now (tiny: a few MB in all). Loaded lazily: other commands skip it. */
async function buildPackages(): Promise<Package[]> {
  const f = await import('../../../models/fixtures/index.ts');
  return Promise.all([
    f.embedderFixture(),
    f.backboneFixture('hf'),
    f.backboneFixture('torchvision'),
    f.vitGpt2Fixture(),
    f.smolVlmFixture(),
    f.diffusionFixture(),
  ]);
}

/** A manifest path must stay inside its model folder (fixtures are ours, but keep the rule). */
function safeRelative(path: string, id: string): string {
  if (path.startsWith('/') || path.split(/[/\\]/).some((p) => p === '..' || p === '')) {
    throw new AutoGenDAError(`fixtures: model ${id} has an unsafe file path '${path}'`);
  }
  return path;
}

export async function writeFixtures(
  out: string,
  fs: FixturesFs,
  packages: readonly Package[],
): Promise<{ id: string; task: string; files: number; bytes: number }[]> {
  const enc = new TextEncoder();
  const json = (v: unknown) => enc.encode(`${JSON.stringify(v, null, 2)}\n`);
  await fs.mkdir(out, { recursive: true });
  const written = [];
  for (const p of packages) {
    const id = safeRelative(p.manifest.id, p.manifest.id);
    let bytes = 0;
    for (const [path, data] of p.files) {
      const rel = safeRelative(path, id);
      const full = `${out}/${id}/${rel}`;
      await fs.mkdir(full.slice(0, full.lastIndexOf('/')), { recursive: true });
      await fs.writeFile(full, data);
      bytes += data.length;
    }
    await fs.writeFile(`${out}/${id}/manifest.json`, json(p.manifest));
    written.push({ id, task: p.manifest.task, files: p.files.size, bytes });
  }
  await fs.writeFile(
    `${out}/${FIXTURES_INDEX}`,
    json({
      warning: FIXTURES_WARNING.join(' '),
      plumbingOnly: true,
      models: written.map((w) => ({ id: w.id, task: w.task, manifest: `${w.id}/manifest.json` })),
    }),
  );
  const width = Math.max(...written.map((w) => w.id.length));
  const readme = [
    ...FIXTURES_WARNING,
    '',
    `Each folder holds one model: its manifest.json (source {"local": "<folder>"}) and its files, whose`,
    `sizes and sha256 are in the manifest. ${FIXTURES_INDEX} lists them by task. Point the pipeline at`,
    'this folder to run it without a network. Regenerate with: npx autogenda fixtures --out DIR',
    '',
    ...written.map((w) => `  ${w.id.padEnd(width)}  ${w.task.padEnd(10)} ${w.files} files`),
    '',
  ];
  await fs.writeFile(`${out}/README.txt`, enc.encode(readme.join('\n')));
  return written;
}

const FLAGS = {
  out: { type: 'string', short: 'o', value: 'DIR', help: 'where to write the fixture models' },
} as const;

export function makeFixtures(fs: () => FixturesFs = denoFs): Command {
  const command: Command = {
    name: 'fixtures',
    summary: 'Write tiny random-weight test models (plumbing checks, not real models) for offline runs',
    usage: [
      'Usage: autogenda fixtures --out DIR',
      '',
      'Writes every tiny test model (embedder, backbones, captioners, img2img) with a manifest per model,',
      `${FIXTURES_INDEX} and README.txt, so the pipeline runs offline. Their weights are random: anything`,
      'made with them is a plumbing check, never a result.',
      '',
      'Options:',
      ...formatFlags(FLAGS),
    ].join('\n'),
    run: async ({ argv, io }) => {
      const { flags, positionals } = parseArgs(argv, FLAGS);
      if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
      if (!flags.out) throw new UsageError('--out DIR is required');
      const out = flags.out.replace(/[/\\]+$/, '') || '/';
      for (const line of FIXTURES_WARNING) io.out(line);
      const written = await writeFixtures(out, fs(), await buildPackages());
      for (const w of written) io.out(`wrote ${out}/${w.id} (${w.task}, ${w.files} files, ${w.bytes} bytes)`);
      io.out(`wrote ${out}/${FIXTURES_INDEX} and ${out}/README.txt`);
      io.err('Reminder: random-weight PLUMBING fixtures — results from them are not results.');
      return EXIT.OK;
    },
  };
  return Object.freeze(command);
}
