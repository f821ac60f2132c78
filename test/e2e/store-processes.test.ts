/**
 * Separate Deno processes (the CLI's runtime) on one file-system store at once, as shards of a run on
 * a shared folder are: four writers put overlapping keys while a reader checks every value it sees, and
 * a fifth writer is killed (SIGKILL) mid-way. Afterwards every key holds one whole value, and the
 * killed writer's leftovers break nothing. The writer/reader is test/e2e/store-writer.ts.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openFsStore } from '../../src/storage/fs.ts';
import { nodeFs } from '../support/fs-adapter.ts';
import { checkValue } from '../support/store-values.ts';

const root = new URL('../..', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'autogenda-store-procs-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function deno(...args: string[]): {
  child: ChildProcess;
  done: Promise<{ code: number | null; out: string; err: string }>;
} {
  const child = spawn(
    join(root, 'node_modules/.bin/deno'),
    ['run', '-A', '--no-check', 'test/e2e/store-writer.ts', ...args],
    {
      cwd: root,
    },
  );
  let out = '';
  let err = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    err += d;
  });
  const done = new Promise<{ code: number | null; out: string; err: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, out, err })),
  );
  return { child, done };
}

describe('file-system store shared by several Deno processes', () => {
  it('four writers and a killed one on overlapping keys: every value whole, during and after', async () => {
    const dir = join(tmp, 'store');
    const stop = join(tmp, 'stop');
    const KEYS = 40;
    const t0 = performance.now();
    const reader = deno('read', dir, String(KEYS), stop);
    const writers = [0, 1, 2, 3].map((w) => deno('write', dir, String(w), '6', String(KEYS)));
    const victim = deno('write', dir, '4', '1000', String(KEYS));
    // Kill the fifth writer once it has committed something (so it dies mid-way, not before starting).
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        let n = 0;
        try {
          n = readdirSync(join(dir, 'candidates')).length;
        } catch {}
        if (n > 2 * KEYS) {
          clearInterval(poll);
          victim.child.kill('SIGKILL');
          resolve();
        }
      }, 20);
    });
    const results = await Promise.all(writers.map((w) => w.done));
    for (const r of results) expect(r.code, r.err).toBe(0);
    expect((await victim.done).code).not.toBe(0);
    writeFileSync(stop, '');
    const read = await reader.done;
    expect(read.code, read.err).toBe(0);
    const seen = JSON.parse(read.out.trim().split('\n').at(-1) as string) as {
      reads: number;
      problems: string[];
    };
    expect(seen.problems).toEqual([]);
    expect(seen.reads).toBeGreaterThan(KEYS);
    console.log(
      `store-processes: 5 writers + 1 reader, ${seen.reads} checked reads, ${Math.round(performance.now() - t0)} ms`,
    );

    const s = await openFsStore(nodeFs(), dir);
    expect(await s.keys('candidates')).toHaveLength(KEYS);
    for (let k = 0; k < KEYS; k++) {
      const rec = await s.get('candidates', `c/${k}`);
      expect(checkValue(k, rec, await s.data('candidates', `c/${k}`))).toBeUndefined();
    }
  }, 180_000);
});
