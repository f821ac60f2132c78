import { describe, expect, it } from 'vitest';
import { type FlagSpecs, formatFlags, parseArgs, UsageError } from '../../src/cli/args.ts';

const SPECS = {
  out: { type: 'string', help: 'where to write', short: 'o', value: 'DIR' },
  seed: { type: 'number', help: 'random seed' },
  json: { type: 'boolean', help: 'print JSON' },
  class: { type: 'string', help: 'a class (repeatable)', multiple: true },
  k: { type: 'number', help: 'neighbours (repeatable)', multiple: true },
} as const satisfies FlagSpecs;

/** The UsageError's message, asserting it is one. */
function usageError(argv: string[]): string {
  try {
    parseArgs(argv, SPECS);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    expect((e as Error).name).toBe('UsageError');
    return (e as Error).message;
  }
  throw new Error(`expected a UsageError for ${JSON.stringify(argv)}`);
}

describe('parseArgs', () => {
  it('defaults: booleans false, repeated flags empty, others undefined', () => {
    const { flags, positionals } = parseArgs([], SPECS);
    expect(flags).toEqual({ json: false, class: [], k: [] });
    expect(flags.out).toBeUndefined();
    expect(positionals).toEqual([]);
  });

  it('reads --name value, --name=value, short aliases and positionals in any order', () => {
    const { flags, positionals } = parseArgs(['data', '--out', 'res', 'more', '--seed=7', '--json'], SPECS);
    expect(flags.out).toBe('res');
    expect(flags.seed).toBe(7);
    expect(flags.json).toBe(true);
    expect(positionals).toEqual(['data', 'more']);
    expect(parseArgs(['-o', 'x'], SPECS).flags.out).toBe('x');
    expect(parseArgs(['-o=y'], SPECS).flags.out).toBe('y');
  });

  it('keeps "=" inside values and accepts empty and dash-leading values', () => {
    expect(parseArgs(['--out=a=b'], SPECS).flags.out).toBe('a=b');
    expect(parseArgs(['--out='], SPECS).flags.out).toBe('');
    expect(parseArgs(['--seed', '-3'], SPECS).flags.seed).toBe(-3);
    expect(parseArgs(['--out=--weird'], SPECS).flags.out).toBe('--weird');
  });

  it('booleans: --flag, --no-flag, --flag=true|false', () => {
    expect(parseArgs(['--json'], SPECS).flags.json).toBe(true);
    expect(parseArgs(['--no-json'], SPECS).flags.json).toBe(false);
    expect(parseArgs(['--json=false'], SPECS).flags.json).toBe(false);
    expect(parseArgs(['--json=true'], SPECS).flags.json).toBe(true);
    // A boolean never takes the next word as its value.
    expect(parseArgs(['--json', 'false'], SPECS).positionals).toEqual(['false']);
  });

  it('collects repeated flags in order, typed', () => {
    const { flags } = parseArgs(['--class', 'cat', '--k=1', '--class=dog', '--k', '5'], SPECS);
    expect(flags.class).toEqual(['cat', 'dog']);
    expect(flags.k).toEqual([1, 5]);
  });

  it('everything after -- is positional; a lone - is positional', () => {
    const { flags, positionals } = parseArgs(['--json', '-', '--', '--out', 'x', '-o'], SPECS);
    expect(flags.json).toBe(true);
    expect(flags.out).toBeUndefined();
    expect(positionals).toEqual(['-', '--out', 'x', '-o']);
  });

  it('errors name the flag', () => {
    expect(usageError(['--nope'])).toBe('unknown flag --nope');
    expect(usageError(['--nope=1'])).toBe('unknown flag --nope');
    expect(usageError(['-x'])).toBe('unknown flag -x');
    expect(usageError(['--no-out'])).toBe('unknown flag --no-out');
    expect(usageError(['--constructor'])).toBe('unknown flag --constructor');
    expect(usageError(['--out'])).toBe('flag --out needs a value');
    expect(usageError(['-o'])).toBe('flag --out needs a value');
    expect(usageError(['--out', '--json'])).toMatch(/^flag --out needs a value \(write --out=VALUE/);
    expect(usageError(['--seed', 'abc'])).toBe("flag --seed needs a number, not 'abc'");
    expect(usageError(['--seed='])).toBe("flag --seed needs a number, not ''");
    expect(usageError(['--seed=Infinity'])).toBe("flag --seed needs a number, not 'Infinity'");
    expect(usageError(['--k', 'x'])).toBe("flag --k needs a number, not 'x'");
    expect(usageError(['--json=yes'])).toBe("flag --json is true or false, not 'yes'");
    expect(usageError(['--no-json=true'])).toBe('flag --no-json takes no value');
    expect(usageError(['--seed', '1', '--seed=2'])).toBe('flag --seed given more than once');
    expect(usageError(['--json', '--no-json'])).toBe('flag --json given more than once');
  });
});

describe('formatFlags', () => {
  it('aligns one help line per flag, with aliases, placeholders and repeat marks', () => {
    expect(formatFlags(SPECS)).toEqual([
      '  -o, --out DIR         where to write',
      '      --seed NUMBER     random seed',
      '      --json            print JSON',
      '      --class STRING …  a class (repeatable)',
      '      --k NUMBER …      neighbours (repeatable)',
    ]);
  });
});
