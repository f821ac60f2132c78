/**
 * Issue 13's first acceptance point as a user runs it: `autogenda run` with every paper method (the
 * baselines, the ablations, AutoGenDA w/ RA) over two seeds on fixture models and a small real-photo
 * folder (Node launcher → Deno → ORT + WebGPU on lavapipe). Each method's sources are made — caption
 * candidates, DA-Fusion's fixed-prompt candidates, flip/rotate and RandAugment views — and every
 * method × seed is trained. A re-run with one more method (a `uniform:` form over sources already made)
 * computes only that method's training runs; one with a new view source computes only those views
 * and its runs; the others stay cached.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { autogenda, tallyOf } from '../support/cli.ts';
import { writePhotoCrops } from '../support/photo-crops.ts';

const root = mkdtempSync(join(tmpdir(), 'autogenda-run-methods-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const PAPER = [
  'identity',
  'simple',
  'randaugment',
  'dafusion',
  'git',
  'search-free',
  'wo-local',
  'wo-transfer',
  'autogenda',
  'autogenda+ra',
];
const data = join(root, 'data');
const models = join(root, 'fx');
const out = join(root, 'out');
const runArgs = (methods: string[]) => [
  'run',
  '--data',
  data,
  '--out',
  out,
  '--models',
  models,
  '--methods',
  methods.join(','),
  '--seeds',
  '2',
  '--k-local',
  '1',
  '--k-transfer',
  '1',
  '--steps',
  '1',
  '--epochs',
  '1',
];
const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

beforeAll(async () => {
  // 2 classes × 5 crops: 8 training images, 2 held out
  writePhotoCrops(
    data,
    { cat: 'chelsea.png', coffee: 'coffee.png' },
    { count: 5, width: 40, height: 32, stride: 3 },
  );
  const fx = await autogenda('fixtures', '--out', models);
  expect(fx.code, fx.err).toBe(0);
}, 600_000);

describe('autogenda run with every method', () => {
  it('makes each method’s sources and trains every method × seed', async () => {
    const r = await autogenda(...runArgs(PAPER));
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/PLUMBING CHECK, NOT A RESULT/);
    // 8 training images × (1 local + 1 transfer + 1 prompt) candidates
    expect(tallyOf(r.out, 'candidates')).toEqual({ computed: 24, cached: 0 });
    // 10 images + 24 candidates + 8 × (simple + randaugment) views
    expect(tallyOf(r.out, 'features')).toEqual({ computed: 50, cached: 0 });
    expect(tallyOf(r.out, 'train')).toEqual({ computed: 20, cached: 0 });

    const metrics = json(join(out, 'metrics.json'));
    expect(metrics.plumbingOnly).toBe(true);
    const runs = metrics.runs as { method: string; seed: number; top1: number }[];
    expect(runs.map((x) => `${x.method}/${x.seed}`)).toEqual(PAPER.flatMap((m) => [`${m}/0`, `${m}/1`]));
    for (const x of runs) expect(x.top1).toBeGreaterThanOrEqual(0);
    // each method's policy is over its own sources
    const probs = (m: string) => (runs.find((x) => x.method === m) as unknown as { probs: number[][] }).probs;
    expect(probs('dafusion')[0]).toHaveLength(2);
    expect(probs('autogenda+ra')[0]).toHaveLength(4);
    // report.json: every method's numbers per seed; one setting, so no rank test, and it says why
    const report = json(join(out, 'report.json'));
    expect(Object.keys(report.methods).sort()).toEqual([...PAPER].sort());
    for (const m of PAPER) {
      expect(report.methods[m].top1, m).toHaveLength(2);
      expect(report.methods[m].meanClassAcc, m).toHaveLength(2);
    }
    expect(report.comparison.top1.reason).toMatch(/one setting/);
    // the exported dataset is the first method's (identity): real images only
    const lines = readFileSync(join(out, 'metadata.jsonl'), 'utf8').trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).source)).toEqual(Array(8).fill('real'));
  });

  it('a re-run with one more method computes only that method’s runs', async () => {
    const more = [...PAPER, 'uniform:prompt+simple'];
    const r = await autogenda(...runArgs(more));
    expect(r.code, r.err).toBe(0);
    expect(tallyOf(r.out, 'candidates')).toEqual({ computed: 0, cached: 24 });
    expect(tallyOf(r.out, 'features')).toEqual({ computed: 0, cached: 50 });
    expect(tallyOf(r.out, 'train')).toEqual({ computed: 2, cached: 20 });
    const runs = json(join(out, 'metrics.json')).runs as { method: string; probs: number[][] }[];
    const added = runs.filter((x) => x.method === 'uniform:prompt+simple');
    expect(added).toHaveLength(2);
    // identity (weight 0), prompt, simple
    expect(added[0].probs[0].map((p) => Number(p.toFixed(6)))).toEqual([0, 0.5, 0.5]);
  });

  it('a method with a new source computes only that source’s items and its runs', async () => {
    const r = await autogenda(...runArgs([...PAPER, 'uniform:prompt+simple', 'uniform:transfer+flip-crop']));
    expect(r.code, r.err).toBe(0);
    expect(tallyOf(r.out, 'candidates')).toEqual({ computed: 0, cached: 24 });
    // 8 flip-crop views are new; every other feature and run is found
    expect(tallyOf(r.out, 'features')).toEqual({ computed: 8, cached: 50 });
    expect(tallyOf(r.out, 'train')).toEqual({ computed: 2, cached: 22 });
  });

  it('--profile a,b sweeps the profiles on one store and tests the methods across them', async () => {
    const sweepOut = join(root, 'sweep');
    const args = runArgs(['identity', 'search-free', 'autogenda']).map((a) => (a === out ? sweepOut : a));
    const r = await autogenda(...args, '--profile', 'full,imbalanced:0.5');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/profile 2 of 2: imbalanced:0\.5/);
    const report = json(join(sweepOut, 'report.json'));
    expect(report.profiles).toEqual(['full', 'imbalanced:0.5']);
    const c = report.comparison.top1;
    expect(c.settings).toEqual(['full', 'imbalanced:0.5']);
    expect(c.reason).toBeUndefined();
    expect(c.avgRanks).toHaveLength(3);
    expect(c.friedman).toBeDefined();
    expect(c.holm.controlName).toBe('autogenda');
  });
});
