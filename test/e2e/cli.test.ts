/** The CLI as a user runs it: `node scripts/autogenda.mjs ...` → Deno → src/cli/main.ts (WebGPU on lavapipe here). */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

function autogenda(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, ['scripts/autogenda.mjs', ...args], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('autogenda CLI', () => {
  it('--help lists the subcommands', () => {
    const r = autogenda('--help');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Usage: autogenda <command>/);
    for (const name of ['doctor', 'search', 'run', 'fixtures', 'experiment', 'bench']) {
      expect(r.out).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
    }
    expect(r.err).toBe('');
  });

  it("--version prints package.json's version", () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
    const r = autogenda('--version');
    expect(r.code).toBe(0);
    expect(r.out).toBe(`${version}\n`);
  });

  it('doctor finds the WebGPU adapter and says it is usable', () => {
    const r = autogenda('doctor');
    console.log(`[e2e/cli] ${r.out.split('\n')[0]}`);
    expect(r.err, 'no noise on stderr').toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^adapter: .*(lavapipe|llvmpipe)/im);
    expect(r.out).toMatch(/^limits:$/m);
    expect(r.out).toMatch(/^ {2}maxStorageBufferBindingSize +\d+ +need \d+: ok$/m);
    expect(r.out).toMatch(/^problems: none$/m);
    expect(r.out).toMatch(/^verdict: usable/m);
  });

  it('an unknown command exits 64 with usage on stderr', () => {
    const r = autogenda('nope');
    expect(r.code).toBe(64);
    expect(r.err).toContain("unknown command 'nope'");
    expect(r.err).toContain('Usage: autogenda <command>');
    expect(r.out).toBe('');
  });

  it('search --help shows its usage; search without a bank is a usage error (exit 64)', () => {
    const help = autogenda('search', '--help');
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^Usage: autogenda search/);
    const run = autogenda('search');
    expect(run.code).toBe(64);
    expect(run.err).toMatch(/--bank DIR is required/);
  });
});
