/**
 * `autogenda doctor`: can this machine run AutoGenDA? Probes WebGPU the same way the web app's start
 * screen does (probeCapabilities) and prints the adapter, features, limits, problems and warnings.
 * Exit 0 when usable (warnings allowed), 3 when not.
 */
import {
  adapterLabel,
  type Capabilities,
  NEEDED_LIMITS,
  OPTIONAL_FEATURES,
  probeCapabilities,
} from '../../gpu/capabilities.ts';
import { formatFlags, parseArgs, UsageError } from '../args.ts';
import { type Command, EXIT } from '../command.ts';

const FLAGS = {
  json: { type: 'boolean', help: 'print the capabilities as JSON instead of text' },
} as const;

export function makeDoctor(probe: () => Promise<Capabilities> = probeCapabilities): Command {
  const doctor: Command = {
    name: 'doctor',
    summary: 'Check that WebGPU works here and meets what AutoGenDA needs',
    usage: [
      'Usage: autogenda doctor [--json]',
      '',
      'Acquires a WebGPU adapter and prints it with its features and limits, and in plain words what will',
      'not work (problems) or work less well (warnings). Exits 0 when usable, 3 when not.',
      '',
      'Options:',
      ...formatFlags(FLAGS),
    ].join('\n'),
    run: async ({ argv, io }) => {
      const { flags, positionals } = parseArgs(argv, FLAGS);
      if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
      const caps = await probe();
      const lines = flags.json ? [JSON.stringify(caps, null, 2)] : formatDoctor(caps);
      for (const line of lines) io.out(line);
      return usable(caps) ? EXIT.OK : EXIT.UNUSABLE;
    },
  };
  return Object.freeze(doctor);
}

export function usable(c: Capabilities): boolean {
  return c.webgpu && c.problems.length === 0;
}

/** The human report, one string per line. */
export function formatDoctor(c: Capabilities): string[] {
  const lines = [`adapter: ${adapterLabel(c)}`];
  if (c.adapter) {
    const a = c.adapter;
    lines.push(
      `  vendor: ${a.vendor || '-'}  architecture: ${a.architecture || '-'}  device: ${a.device || '-'}`,
    );
  }
  if (c.webgpu) {
    const have = new Set(c.features);
    lines.push(`features (${c.features.length}): ${c.features.join(', ') || 'none'}`);
    for (const f of Object.keys(OPTIONAL_FEATURES)) lines.push(`  ${f}: ${have.has(f) ? 'yes' : 'no'}`);
    lines.push('limits:');
    const width = Math.max(...Object.keys(c.limits).map((k) => k.length));
    for (const [key, value] of Object.entries(c.limits)) {
      const need = NEEDED_LIMITS[key]?.need;
      const verdict =
        need === undefined ? '' : value >= need ? `  need ${need}: ok` : `  need ${need}: TOO LOW`;
      lines.push(`  ${key.padEnd(width)}  ${String(value).padStart(12)}${verdict}`);
    }
  }
  lines.push(...section('problems', c.problems), ...section('warnings', c.warnings));
  lines.push(
    `verdict: ${usable(c) ? (c.warnings.length ? 'usable, with warnings' : 'usable') : 'NOT usable'}`,
  );
  return lines;
}

function section(title: string, items: readonly string[]): string[] {
  return items.length === 0 ? [`${title}: none`] : [`${title}:`, ...items.map((t) => `  - ${t}`)];
}
