/**
 * `autogenda status` on a real file-system store (node:fs adapter): records per collection, planned
 * stages done / expected, the shards that miss work (the same partition the shards use), leftovers of
 * crashed writers, and the plan file's checks.
 */
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/command.ts';
import { makeStatus } from '../../src/cli/commands/status.ts';
import {
  decodePlan,
  encodePlan,
  readPlans,
  type StagePlan,
  writePlan,
} from '../../src/pipeline/plan-file.ts';
import { shardFilter } from '../../src/pipeline/shard.ts';
import { openFsStore } from '../../src/storage/fs.ts';
import { nodeFs } from '../support/fs-adapter.ts';

const tmp = mkdtempSync(join(tmpdir(), 'autogenda-status-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function status(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await makeStatus(() => nodeFs()).run({
    argv,
    io: { out: (l) => out.push(l), err: (l) => err.push(l) },
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('autogenda status', () => {
  it('says so when DIR has no store, and creates none', async () => {
    const r = await status('--out', join(tmp, 'none'));
    expect(r.code).toBe(EXIT.FAILURE);
    expect(r.err).toMatch(/no store at .*none\/\.store/);
    expect(await nodeFs().list(join(tmp, 'none'))).toEqual([]);
  });

  it('counts records per collection and key kind; without a plan it says expected counts are unknown', async () => {
    const out = join(tmp, 'noplan');
    const s = await openFsStore(nodeFs(), join(out, '.store'));
    await s.put('images', 'ds1/aa', {}, new Uint8Array(3));
    await s.put('captions', 'caption/11', { caption: 'x' });
    await s.put('captions', 'caption/22', { caption: 'y' });
    await s.put('captions', 'ds1/aa', { caption: 'imported' });
    const r = await status('--out', out);
    expect(r.code).toBe(EXIT.OK);
    expect(r.out).toMatch(/captions +3 +\(caption 2, ds1 1\)/);
    expect(r.out).toMatch(/images +1 +\(ds1 1\)/);
    expect(r.out).toMatch(/no plan/);
  });

  it('per planned stage: done / expected and the shards whose items are missing', async () => {
    const out = join(tmp, 'planned');
    const s = await openFsStore(nodeFs(), join(out, '.store'));
    const jobs = Array.from({ length: 12 }, (_, i) => [
      `img${i % 6}:${i < 6 ? 'local' : 'transfer'}:0`,
      `candidate/${i}`,
    ]);
    const plan: StagePlan = {
      stage: 'candidates',
      collection: 'candidates',
      items: jobs as [string, string][],
      shards: 3,
    };
    await writePlan(nodeFs(), out, plan);
    await writePlan(nodeFs(), out, {
      stage: 'caption',
      collection: 'captions',
      items: [['img0', 'caption/0']],
      shards: 3,
    });
    await s.put('captions', 'caption/0', { caption: 'c' });
    // Shards 0 and 2 finished; shard 1 died before its first item.
    const parts = jobs.map(([p]) => p);
    for (const i of [0, 2]) {
      const mine = shardFilter('candidates', parts, { index: i, count: 3 });
      for (const [p, key] of jobs) if (mine(p)) await s.put('candidates', key, {}, new Uint8Array([i]));
    }
    const r = await status('--out', out);
    expect(r.code).toBe(EXIT.OK);
    expect(r.out).toMatch(/caption +1\/1 done, complete/);
    expect(r.out).toMatch(/candidates +8\/12 done, 4 missing; shards with missing work: 1\/3 \(4\)$/m);
    expect((await status('--out', out, '--check')).code).toBe(EXIT.FAILURE);
    const j = JSON.parse((await status('--out', out, '--json')).out);
    expect(j.complete).toBe(false);
    expect(j.stages.find((x: { stage: string }) => x.stage === 'candidates').missingByShard).toEqual({
      1: 4,
    });
    // The flag overrides the plan's N (e.g. a plan written by an unsharded run).
    expect((await status('--out', out, '--shards', '1')).out).toMatch(/candidates +8\/12 done, 4 missing$/m);
    expect((await status('--out', out, '--shards', '0').catch((e) => e)).message).toMatch(/--shards must be/);
  });

  it('reports stale leftovers of crashed writers, and removes them with --clean', async () => {
    const out = join(tmp, 'leftovers');
    const s = await openFsStore(nodeFs(), join(out, '.store'));
    await s.put('features', 'feature/1', {}, new Uint8Array(4));
    const f = join(out, '.store', 'features', 'feature%2F9.0011223344556677.bin');
    writeFileSync(f, new Uint8Array(4));
    const old = (Date.now() - 7_200_000) / 1000;
    utimesSync(f, old, old);
    expect((await status('--out', out)).out).toMatch(
      /stale: 0 interrupted writes, 1 unreferenced data files .*--clean/,
    );
    expect((await status('--out', out, '--clean')).out).toMatch(
      /removed: 0 interrupted writes, 1 unreferenced/,
    );
    expect((await status('--out', out)).out).not.toMatch(/stale/);
  });
});

describe('plan file', () => {
  it('round-trips, and refuses a broken one naming the file and the field', async () => {
    const p: StagePlan = {
      stage: 'caption',
      collection: 'captions',
      items: [['a', 'caption/a']],
      shards: null,
    };
    expect(decodePlan(encodePlan(p), 'x.json')).toEqual(p);
    const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
    expect(() => decodePlan(new TextEncoder().encode('{'), 'p.json')).toThrow(/^p\.json: not JSON/);
    expect(() => decodePlan(enc({ ...p, version: 9 }), 'p.json')).toThrow(/plan version 9; .* up to 1/);
    expect(() => decodePlan(enc({ ...p, version: 1, collection: 'nope' }), 'p.json')).toThrow(
      /unknown collection 'nope'/,
    );
    expect(() => decodePlan(enc({ ...p, version: 1, items: [['a']] }), 'p.json')).toThrow(
      /items\[0\] is not/,
    );
    expect(() => decodePlan(enc({ ...p, version: 1, shards: 0 }), 'p.json')).toThrow(/shards must be null/);
    const dir = join(tmp, 'plans');
    expect(await readPlans(nodeFs(), dir)).toEqual([]);
    await writePlan(nodeFs(), dir, p);
    writeFileSync(join(dir, '.plan', 'bad.json'), '[]');
    await expect(readPlans(nodeFs(), dir)).rejects.toThrow(/\.plan\/bad\.json: (not a plan|plan version)/);
  });
});
