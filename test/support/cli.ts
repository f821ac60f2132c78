/**
 * The CLI as a user runs it, for end-to-end tests: `node scripts/autogenda.mjs ARGS` (or any command),
 * spawned asynchronously so the test worker keeps answering vitest while a long run works.
 */
import { spawn } from 'node:child_process';

export interface Ran {
  code: number | null;
  out: string;
  err: string;
}

export function runAsync(
  cmd: string,
  args: readonly string[],
  o: { env?: NodeJS.ProcessEnv; cwd?: string; timeout?: number } = {},
): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: o.env, cwd: o.cwd, timeout: o.timeout, stdio: 'pipe' });
    const r: Ran = { code: null, out: '', err: '' };
    child.stdout.on('data', (d) => {
      r.out += d;
    });
    child.stderr.on('data', (d) => {
      r.err += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ ...r, code }));
  });
}

/** `autogenda ARGS` from this checkout. */
export const autogenda = (...args: string[]): Promise<Ran> =>
  runAsync(process.execPath, ['scripts/autogenda.mjs', ...args], { timeout: 600_000 });

/** "<stage> N computed, M cached" from a run's printed cache line. */
export function tallyOf(text: string, stage: string): { computed: number; cached: number } | undefined {
  const m = new RegExp(`${stage} (\\d+) computed, (\\d+) cached`).exec(text);
  return m ? { computed: Number(m[1]), cached: Number(m[2]) } : undefined;
}
