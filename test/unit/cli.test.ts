/** The CLI dispatcher and `doctor`, driven without Deno through a recording CliIO. */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.ts';
import { type CliIO, EXIT } from '../../src/cli/command.ts';
import { BENCHES, makeBench } from '../../src/cli/commands/bench.ts';
import { formatDoctor, makeDoctor } from '../../src/cli/commands/doctor.ts';
import { placeholder } from '../../src/cli/commands/placeholder.ts';
import { COMMANDS, findCommand } from '../../src/cli/commands.ts';
import type { Capabilities } from '../../src/gpu/capabilities.ts';
import { NEEDED_LIMITS } from '../../src/gpu/capabilities.ts';

function recorder(): CliIO & { out_: string; err_: string } {
  const r = {
    out_: '',
    err_: '',
    out: (line: string) => {
      r.out_ += `${line}\n`;
    },
    err: (line: string) => {
      r.err_ += `${line}\n`;
    },
  };
  return r;
}

const goodLimits = Object.fromEntries(Object.entries(NEEDED_LIMITS).map(([k, { need }]) => [k, need * 2]));
const GOOD: Capabilities = {
  webgpu: true,
  adapter: {
    vendor: 'acme',
    architecture: 'rdna9',
    device: '',
    description: 'Acme GPU 9000',
    fallback: false,
  },
  features: ['shader-f16', 'timestamp-query'],
  limits: goodLimits,
  problems: [],
  warnings: [],
};
const NONE: Capabilities = {
  webgpu: false,
  features: [],
  limits: {},
  problems: ['This browser has no WebGPU.'],
  warnings: [],
};

describe('runCli', () => {
  it('--help lists every registered command with its summary, exit 0', async () => {
    const io = recorder();
    expect(await runCli(['--help'], io, '1.2.3')).toBe(EXIT.OK);
    for (const c of Object.values(COMMANDS))
      expect(io.out_).toContain(`  ${c.name.padEnd(10)}  ${c.summary}`);
    expect(io.err_).toBe('');
  });

  it('--version prints the version given', async () => {
    const io = recorder();
    expect(await runCli(['--version'], io, '1.2.3')).toBe(EXIT.OK);
    expect(io.out_).toBe('1.2.3\n');
  });

  it('no command or an unknown one: error and usage on stderr, exit 64', async () => {
    for (const argv of [[], ['nope'], ['--nope']]) {
      const io = recorder();
      expect(await runCli(argv, io, '0')).toBe(EXIT.USAGE);
      expect(io.err_).toContain('Usage: autogenda <command>');
      expect(io.out_).toBe('');
    }
    const io = recorder();
    await runCli(['constructor'], io, '0');
    expect(io.err_).toContain("unknown command 'constructor'");
  });

  it('<cmd> --help prints its usage without running it', async () => {
    const io = recorder();
    expect(await runCli(['search', '--help'], io, '0')).toBe(EXIT.OK);
    expect(io.out_).toMatch(/^Usage: autogenda search/);
    expect(io.err_).toBe('');
  });

  it('placeholders say "not implemented yet" and exit 2', async () => {
    const cmd = placeholder('later', 'Something planned', 'issue: later');
    const io = recorder();
    expect(await cmd.run({ argv: [], io })).toBe(EXIT.NOT_IMPLEMENTED);
    expect(io.err_).toMatch(/^autogenda later: not implemented yet \(issue: later\)/);
  });

  it('bench runs the named script with the rest of the arguments, and refuses unknown names', async () => {
    const calls: [string, readonly string[]][] = [];
    const bench = makeBench(async (file, args) => {
      calls.push([file, args]);
      return 0;
    });
    expect(await bench.run({ argv: ['train', '--quick', '--json', 'x.json'], io: recorder() })).toBe(0);
    expect(calls).toEqual([['train-bench.ts', ['--quick', '--json', 'x.json']]]);
    for (const name of Object.keys(BENCHES)) {
      expect(existsSync(`bench/${BENCHES[name].file}`), name).toBe(true);
    }
    await expect(bench.run({ argv: [], io: recorder() })).rejects.toThrow(/name a benchmark: train, /);
    await expect(bench.run({ argv: ['nope'], io: recorder() })).rejects.toThrow(/unknown benchmark 'nope'/);
    const io = recorder();
    expect(await runCli(['bench'], io, '0')).toBe(EXIT.USAGE);
    expect(io.err_).toContain('name a benchmark');
  });

  it('search without --bank or --out is a usage error naming the flag', async () => {
    const io = recorder();
    expect(await runCli(['search', '--out', 'x'], io, '0')).toBe(EXIT.USAGE);
    expect(io.err_).toContain('--bank DIR is required');
    const io2 = recorder();
    expect(await runCli(['search', '--bank', 'x'], io2, '0')).toBe(EXIT.USAGE);
    expect(io2.err_).toContain('--out DIR is required');
  });

  it('search refuses an unknown --exploration-loss before touching the bank', async () => {
    const io = recorder();
    expect(
      await runCli(['search', '--bank', 'x', '--out', 'y', '--exploration-loss', 'fancy'], io, '0'),
    ).toBe(EXIT.FAILURE);
    expect(io.err_).toContain("--exploration-loss must be 'balanced' or 'plain', got 'fancy'");
  });

  it('a bad flag names the flag and the command, exit 64', async () => {
    const io = recorder();
    expect(await runCli(['doctor', '--bogus'], io, '0')).toBe(EXIT.USAGE);
    expect(io.err_).toContain('autogenda doctor: unknown flag --bogus');
  });

  it('the registry is frozen and keyed by each command name', () => {
    expect(Object.isFrozen(COMMANDS)).toBe(true);
    for (const [key, c] of Object.entries(COMMANDS)) expect(c.name).toBe(key);
    expect(findCommand('toString')).toBeUndefined();
  });
});

describe('doctor', () => {
  it('exit 0 and "usable" for a GPU that meets every need', async () => {
    const io = recorder();
    expect(await makeDoctor(async () => GOOD).run({ argv: [], io })).toBe(EXIT.OK);
    expect(io.out_).toContain('adapter: Acme GPU 9000\n');
    expect(io.out_).toContain('  shader-f16: yes\n');
    expect(io.out_).toContain('  subgroups: no\n');
    expect(io.out_).toContain('verdict: usable\n');
  });

  it('exit 3 with the problem in plain words when WebGPU is missing', async () => {
    const io = recorder();
    expect(await makeDoctor(async () => NONE).run({ argv: [], io })).toBe(EXIT.UNUSABLE);
    expect(io.out_).toContain('adapter: no WebGPU adapter');
    expect(io.out_).toContain('  - This browser has no WebGPU.');
    expect(io.out_).toContain('verdict: NOT usable');
  });

  it('flags a limit that is too low, with have and need', () => {
    const low = { ...GOOD, limits: { ...goodLimits, maxBufferSize: 1024 }, problems: ['too low'] };
    const line = formatDoctor(low).find((l) => l.includes('maxBufferSize'))!;
    expect(line).toMatch(/maxBufferSize\s+1024\s+need 268435456: TOO LOW/);
  });

  it('--json prints the capabilities object', async () => {
    const io = recorder();
    await makeDoctor(async () => GOOD).run({ argv: ['--json'], io });
    expect(JSON.parse(io.out_)).toEqual(GOOD);
  });
});
