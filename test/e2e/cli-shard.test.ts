/**
 * Issue 15's plain test: a run split over three `--shard I/N` processes at once on one store, then the
 * final run without --shard, gives the same policy, metrics and candidate bytes as one uninterrupted run,
 * and the final run computes no caption, candidate or feature. Phase 1 (`--until caption`) captions each
 * shard's images; phase 2 generates each shard's candidates, prompts and views and their features. A
 * shard started before the others' captions exist stops with exit 75 instead of guessing.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { autogenda, tallyOf } from '../support/cli.ts';
import { writePhotoCrops } from '../support/photo-crops.ts';

const root = mkdtempSync(join(tmpdir(), 'autogenda-shard-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const data = join(root, 'data');
const models = join(root, 'fx');
const runArgs = (out: string, ...more: string[]) => [
  'run',
  '--data',
  data,
  '--out',
  out,
  '--models',
  models,
  '--methods',
  'autogenda,dafusion,simple',
  '--k-local',
  '1',
  '--k-transfer',
  '1',
  '--steps',
  '1',
  '--epochs',
  '2',
  ...more,
];
const text = (path: string) => readFileSync(path, 'utf8');
/** Every exported image file's bytes, by name. */
const images = (out: string) =>
  Object.fromEntries(
    readdirSync(join(out, 'images'), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => [join(e.parentPath, e.name).slice(out.length), readFileSync(join(e.parentPath, e.name))]),
  );

beforeAll(async () => {
  writePhotoCrops(
    data,
    { cat: 'chelsea.png', coffee: 'coffee.png' },
    { count: 6, width: 40, height: 32, stride: 3 },
  );
  const fx = await autogenda('fixtures', '--out', models);
  expect(fx.code, fx.err).toBe(0);
}, 600_000);

describe('autogenda run --shard I/N', () => {
  const whole = join(root, 'whole');
  const shared = join(root, 'shared');

  it('three shards at once, then the final run, equal one uninterrupted run', async () => {
    const one = await autogenda(...runArgs(whole));
    expect(one.code, one.err).toBe(0);

    const phase = (...more: string[]) =>
      Promise.all([0, 1, 2].map((i) => autogenda(...runArgs(shared, '--shard', `${i}/3`, ...more))));
    for (const r of await phase('--until', 'caption')) {
      expect(r.code, r.err).toBe(0);
      expect(r.out).toMatch(/shard \d\/3: done up to caption/);
    }
    const second = await phase();
    for (const r of second) {
      expect(r.code, r.err).toBe(0);
      expect(r.out).toMatch(/shard \d\/3: done up to features/);
    }
    // the work was split: every shard generated some candidates, none generated them all
    const made = second.map((r) => tallyOf(r.out, 'candidates')?.computed ?? 0);
    expect(made.every((n) => n > 0)).toBe(true);
    expect(made.reduce((a, b) => a + b, 0)).toBe(tallyOf(one.out, 'candidates')?.computed);

    const status = await autogenda('status', '--out', shared, '--check');
    expect(status.code, status.out + status.err).toBe(0);

    const final = await autogenda(...runArgs(shared));
    expect(final.code, final.err).toBe(0);
    for (const stage of ['caption', 'candidates', 'features'])
      expect(tallyOf(final.out, stage)?.computed, stage).toBe(0);
    expect(text(join(shared, 'policy.json'))).toBe(text(join(whole, 'policy.json')));
    // everything but what this invocation did (cache tally, restarts): the final run generated nothing and
    // called no model
    const metrics = (out: string) => {
      const { modelCalls, generated, cache, restarts, ...m } = JSON.parse(text(join(out, 'metrics.json')));
      return { m, generated, calls: Object.values(modelCalls as Record<string, { calls: number }>) };
    };
    expect(metrics(shared).m).toEqual(metrics(whole).m);
    expect(metrics(whole).generated).toBeGreaterThan(0);
    expect(metrics(shared).generated).toBe(0);
    expect(metrics(shared).calls.every((c) => c.calls === 0)).toBe(true);
    const a = images(whole);
    const b = images(shared);
    expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
    expect(Object.keys(a).length).toBeGreaterThan(12);
    for (const k of Object.keys(a)) expect(Buffer.compare(a[k], b[k]), k).toBe(0);
  }, 600_000);

  it('a shard whose prompts need captions other shards have not made waits (exit 75)', async () => {
    const alone = join(root, 'alone');
    const r = await autogenda(...runArgs(alone, '--shard', '1/3'));
    expect(r.code, r.err).toBe(75);
    expect(r.err).toMatch(/shard 1\/3: waiting after caption: \d+ caption\(s\) of other shards/);
    const status = await autogenda('status', '--out', alone, '--check');
    expect(status.code).toBe(1);
  }, 300_000);

  it('refuses a bad --shard or --until', async () => {
    const r = await autogenda(...runArgs(join(root, 'bad'), '--shard', '3/3'));
    expect(r.code).toBe(64);
    expect(r.err).toMatch(/--shard '3\/3'/);
    const u = await autogenda(...runArgs(join(root, 'bad'), '--until', 'train'));
    expect(u.code).toBe(64);
    expect(u.err).toMatch(/--until must be one of caption, candidates, features/);
  }, 120_000);
});
