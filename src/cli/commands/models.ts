/**
 * `autogenda models check --models DIR [--json FILE]`: the known-answer checks of every model in a
 * models folder (src/pipeline/check), one line per measurement with its threshold, the results kept
 * in DIR/checks.json (a later run reports them). Exit 0 when every checked model passes, 1 otherwise.
 */
import { denoFolderSource } from '../../models/folder.ts';
import type { EpRequest } from '../../ort/ep.ts';
import { loadPhotos } from '../../pipeline/check/photos.ts';
import { formatItem } from '../../pipeline/check/result.ts';
import { CHECKS_FILE, checkModels, mergeChecks, readChecks } from '../../pipeline/check/runner.ts';
import { formatFlags, parseArgs, UsageError } from '../args.ts';
import { type Command, EXIT } from '../command.ts';

const FLAGS = {
  models: {
    type: 'string',
    value: 'DIR',
    help: 'models folder with fixtures.json or models.json (as autogenda run --models takes)',
  },
  json: { type: 'string', value: 'FILE', help: 'also write the results as JSON to FILE' },
  model: { type: 'string', value: 'ID', multiple: true, help: 'check only this model id (repeatable)' },
  ep: { type: 'string', value: 'auto|webgpu|wasm', help: 'ONNX Runtime provider (default auto)' },
} as const;

// Only what this file uses; tsconfig type-checks src against the DOM libs, not Deno's.
declare const Deno: {
  readTextFile(p: string): Promise<string>;
  readFile(p: string | URL): Promise<Uint8Array>;
  writeTextFile(p: string, d: string): Promise<void>;
};

const EPS = ['auto', 'webgpu', 'wasm'];
/** The bundled photos, beside the app's static files. */
const PHOTOS = new URL('../../../public/check/', import.meta.url);

export function makeModels(): Command {
  const command: Command = {
    name: 'models',
    summary: 'Check downloaded models against known answers (models check --models DIR)',
    usage: [
      'Usage: autogenda models check --models DIR [--json FILE] [--model ID]... [--ep auto|webgpu|wasm]',
      '',
      'Runs known-answer checks on every model the folder lists: published sentence similarities',
      '(embedder), captions that name the bundled photos (captioner), VAE reconstruction PSNR and strength',
      'behaviour (img2img), ReLU and flip properties of the features (backbone). Prints each number with',
      `its threshold, keeps the results in DIR/${CHECKS_FILE}, and exits 0 when every checked model`,
      'passes, 1 otherwise. Thresholds and their sources: docs/MODELS-CHECK.md.',
      '',
      'Options:',
      ...formatFlags(FLAGS),
    ].join('\n'),
    run: async ({ argv, io }) => {
      const { flags, positionals } = parseArgs(argv, FLAGS);
      if (positionals[0] !== 'check') {
        throw new UsageError(
          positionals.length
            ? `unknown models action '${positionals[0]}' (try: check)`
            : 'say what to do: models check',
        );
      }
      if (positionals.length > 1) throw new UsageError(`unexpected argument '${positionals[1]}'`);
      if (!flags.models) throw new UsageError('--models DIR is required');
      if (flags.ep !== undefined && !EPS.includes(flags.ep)) {
        throw new UsageError(`--ep must be one of ${EPS.join(', ')}`);
      }
      const dir = flags.models.replace(/[/\\]+$/, '') || '.';
      const folder = {
        readText: (p: string) => Deno.readTextFile(`${dir}/${p}`).catch(() => undefined),
        folder: (d: string) => denoFolderSource(`${dir}/${d}`),
      };
      const photos = await loadPhotos((name) => Deno.readFile(new URL(name, PHOTOS)));
      const results = await checkModels(folder, dir, {
        photos,
        ep: (flags.ep ?? 'auto') as EpRequest,
        only: flags.model,
        onResult: (r) => {
          const where = r.error ? 'not run' : `${r.ep} ${r.variant}`;
          io.out(
            `${r.passed ? 'PASS' : 'FAIL'} ${r.id} (${r.task}, ${where}, ${(r.ms / 1000).toFixed(1)} s)`,
          );
          for (const c of r.checks) io.out(`  ${formatItem(c)}`);
          for (const src of new Set(r.checks.filter((c) => !c.passed).map((c) => c.source)))
            io.out(`    source: ${src}`);
          if (r.error) io.out(`  error: ${r.error}`);
        },
      });
      await Deno.writeTextFile(`${dir}/${CHECKS_FILE}`, mergeChecks(await readChecks(folder), results));
      if (flags.json)
        await Deno.writeTextFile(flags.json, `${JSON.stringify({ models: results }, null, 2)}\n`);
      const failed = results.filter((r) => !r.passed);
      io.out(
        `${results.length - failed.length} of ${results.length} models passed; results in ${dir}/${CHECKS_FILE}${flags.json ? ` and ${flags.json}` : ''}`,
      );
      return failed.length === 0 ? EXIT.OK : EXIT.FAILURE;
    },
  };
  return Object.freeze(command);
}
