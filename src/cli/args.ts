/**
 * Command-line flags: `--name value`, `--name=value`, booleans (`--flag`, `--no-flag`), repeated flags
 * (`multiple: true` collects them), one-letter aliases (`-o value`), and `--` to end the flags. Every
 * error names the flag it is about. Pure: no Deno, no Node.
 */
import { AutoGenDAError } from '../core/errors.ts';

/** A malformed command line; the CLI prints it with the command's usage and exits 64. */
export class UsageError extends AutoGenDAError {
  override readonly name = 'UsageError';
}

export type FlagType = 'string' | 'number' | 'boolean';

export interface FlagSpec {
  readonly type: FlagType;
  /** One line for `--help`. */
  readonly help: string;
  /** Collect every occurrence into an array (otherwise giving the flag twice is an error). */
  readonly multiple?: boolean;
  /** A one-letter alias, without the dash. */
  readonly short?: string;
  /** Placeholder shown in help, e.g. `DIR` in `--out DIR`. */
  readonly value?: string;
}

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

type ValueOf<S extends FlagSpec> = S['type'] extends 'number'
  ? number
  : S['type'] extends 'boolean'
    ? boolean
    : string;

/** Parsed flags: arrays for `multiple`, booleans default to false, other absent flags are undefined. */
export type Flags<S extends FlagSpecs> = {
  -readonly [K in keyof S]: S[K]['multiple'] extends true
    ? ValueOf<S[K]>[]
    : S[K]['type'] extends 'boolean'
      ? boolean
      : ValueOf<S[K]> | undefined;
};

export interface Parsed<S extends FlagSpecs> {
  flags: Flags<S>;
  positionals: string[];
}

export function parseArgs<S extends FlagSpecs>(argv: readonly string[], specs: S): Parsed<S> {
  const flags: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    if (spec.multiple) flags[name] = [];
    else if (spec.type === 'boolean') flags[name] = false;
  }
  const shorts = new Map(
    Object.entries(specs).flatMap(([name, s]) => (s.short ? [[s.short, name] as const] : [])),
  );
  const seen = new Set<string>();
  const positionals: string[] = [];

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const written = eq >= 0 ? arg.slice(0, eq) : arg;
    let inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
    let name = resolveName(written, shorts);
    let spec = own(specs, name);
    let negated = false;
    if (!spec && written.startsWith('--no-') && own(specs, written.slice(5))?.type === 'boolean') {
      name = written.slice(5);
      spec = own(specs, name);
      negated = true;
      if (inline !== undefined) throw new UsageError(`flag --no-${name} takes no value`);
    }
    if (!spec) throw new UsageError(`unknown flag ${written}`);
    const label = `--${name}`;

    let value: unknown;
    if (spec.type === 'boolean') {
      value = inline === undefined ? !negated : parseBoolean(label, inline);
    } else {
      if (inline === undefined) {
        const next = argv[i + 1];
        if (next === undefined || next.startsWith('--')) {
          throw new UsageError(
            `flag ${label} needs a value${next ? ` (write ${label}=VALUE for a value starting with --)` : ''}`,
          );
        }
        inline = next;
        i++;
      }
      value = spec.type === 'number' ? parseNumber(label, inline) : inline;
    }

    if (spec.multiple) (flags[name] as unknown[]).push(value);
    else if (seen.has(name)) throw new UsageError(`flag ${label} given more than once`);
    else flags[name] = value;
    seen.add(name);
  }
  return { flags: flags as Flags<S>, positionals };
}

/** Own keys only: `--constructor` must not find Object.prototype's. */
function own(specs: FlagSpecs, name: string): FlagSpec | undefined {
  return Object.hasOwn(specs, name) ? specs[name] : undefined;
}

function resolveName(written: string, shorts: ReadonlyMap<string, string>): string {
  if (written.startsWith('--')) return written.slice(2);
  const alias = shorts.get(written.slice(1));
  if (!alias) throw new UsageError(`unknown flag ${written}`);
  return alias;
}

function parseBoolean(label: string, text: string): boolean {
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw new UsageError(`flag ${label} is true or false, not '${text}'`);
}

function parseNumber(label: string, text: string): number {
  const n = text.trim() === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(n)) throw new UsageError(`flag ${label} needs a number, not '${text}'`);
  return n;
}

/** Help lines for a set of flags, aligned: `  -o, --out DIR   where to write`. */
export function formatFlags(specs: FlagSpecs): string[] {
  const heads = Object.entries(specs).map(([name, s]) => {
    const value = s.type === 'boolean' ? '' : ` ${s.value ?? s.type.toUpperCase()}`;
    return `${s.short ? `-${s.short}, ` : '    '}--${name}${value}${s.multiple ? ' …' : ''}`;
  });
  const width = Math.max(0, ...heads.map((h) => h.length));
  return Object.values(specs).map((s, i) => `  ${heads[i].padEnd(width)}  ${s.help}`);
}
