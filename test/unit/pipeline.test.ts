/**
 * The pipeline's pure pieces: cache keys (order-free, settings-sensitive), the memo rule and its
 * tally, the run split (test held out before the profile), the candidate prompts of ALGORITHM.md §5
 * and the bank layout [N][S][K][D].
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { assembleBank } from '../../src/pipeline/bank-build.ts';
import { featureItems, featureStream } from '../../src/pipeline/items.ts';
import { canonicalJson, itemKey } from '../../src/pipeline/keys.ts';
import { memo } from '../../src/pipeline/memo.ts';
import { planSplit } from '../../src/pipeline/plan-split.ts';
import { planCandidates } from '../../src/pipeline/prompts.ts';
import { resolveSettings } from '../../src/pipeline/settings.ts';
import type { PipelineStages } from '../../src/pipeline/stages.ts';
import { formatTally, type Tally, totalComputed } from '../../src/pipeline/tally.ts';
import type { RgbImage } from '../../src/stages/image/resample.ts';
import { openFsStore } from '../../src/storage/fs.ts';
import type { Collection } from '../../src/storage/schema.ts';
import { featureOffset } from '../../src/train/bank.ts';
import { nodeFs } from '../support/fs-adapter.ts';

const root = mkdtempSync(join(tmpdir(), 'autogenda-pipeline-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('cache keys', () => {
  it('ignore object key order and change with any setting', async () => {
    expect(canonicalJson({ b: 1, a: [{ y: 2, x: null }] })).toBe('{"a":[{"x":null,"y":2}],"b":1}');
    const a = await itemKey('candidate', { image: 'h', prompt: 'p', seed: 1, strength: 0.5 });
    expect(await itemKey('candidate', { strength: 0.5, seed: 1, prompt: 'p', image: 'h' })).toBe(a);
    expect(a).toMatch(/^candidate\/[0-9a-f]{64}$/);
    expect(await itemKey('candidate', { image: 'h', prompt: 'p', seed: 1, strength: 0.6 })).not.toBe(a);
    expect(await itemKey('candidate', { image: 'h', prompt: 'p', seed: 2, strength: 0.5 })).not.toBe(a);
  });
});

describe('memo', () => {
  it('computes once, then reads the stored item back; the tally counts both', async () => {
    const store = await openFsStore(nodeFs(), join(root, 'memo'));
    const tally: Tally = {};
    let calls = 0;
    const compute = async () => {
      calls++;
      return { meta: { caption: 'a photo of a cat which sits' }, data: new Uint8Array([1, 2, 3]) };
    };
    const first = await memo({ store, tally }, 'caption', 'captions', 'k1', compute);
    const again = await memo({ store, tally }, 'caption', 'captions', 'k1', compute);
    expect(calls).toBe(1);
    expect(again.meta).toEqual(first.meta);
    expect(Array.from(again.data ?? [])).toEqual([1, 2, 3]);
    expect(tally).toEqual({ caption: { computed: 1, cached: 1 } });
    expect(totalComputed(tally)).toBe(1);
    expect(formatTally(tally)).toBe('caption 1 computed, 1 cached');
    // A new store on the same folder (a new process) still finds it.
    const reopened = await openFsStore(nodeFs(), join(root, 'memo'));
    await memo({ store: reopened, tally }, 'caption', 'captions', 'k1', compute);
    expect(calls).toBe(1);
  });
});

describe('featureItems', () => {
  // Only what featureItems touches: the backbone id, its feature size and its batched call.
  const stages = (calls: number[]) =>
    ({
      ids: { backbone: 'bb-test' },
      featureDim: 2,
      features: async (imgs: readonly RgbImage[]) => {
        calls.push(imgs.length);
        return Float32Array.from(imgs.flatMap((im) => [im.data[0], im.data[0] + 0.5]));
      },
    }) as unknown as PipelineStages;
  const job = (v: number) => ({
    id: `img-${v}`,
    image: async (): Promise<RgbImage> => ({
      width: 1,
      height: 1,
      channels: 3,
      data: new Uint8Array([v, v, v]),
    }),
  });

  it('computes the missing ones a batch per call, in order, and reads the stored ones back', async () => {
    const store = await openFsStore(nodeFs(), join(root, 'features'));
    const calls: number[] = [];
    const ctx = { store, tally: {} as Tally };
    const progress: number[] = [];
    const first = await featureItems(ctx, stages(calls), [job(1), job(2), job(3), job(4), job(5)], {
      batch: 2,
      onItem: (d) => progress.push(d),
    });
    expect(calls).toEqual([2, 2, 1]);
    expect(first.map((r) => Array.from(r.f))).toEqual([1, 2, 3, 4, 5].map((v) => [v, v + 0.5]));
    expect(progress).toEqual([1, 2, 3, 4, 5]);
    // Two new images among three stored ones: one call for both, results still in job order.
    calls.length = 0;
    const ctx2 = { store, tally: {} as Tally };
    const again = await featureItems(ctx2, stages(calls), [job(6), job(1), job(7), job(3), job(5)], {
      batch: 8,
    });
    expect(calls).toEqual([2]);
    expect(again.map((r) => r.f[0])).toEqual([6, 1, 7, 3, 5]);
    expect(again[1].key).toBe(first[0].key);
    expect(ctx2.tally).toEqual({ features: { computed: 2, cached: 3 } });
  });

  it('values: false finds stored features by their record without reading their bytes', async () => {
    const store = await openFsStore(nodeFs(), join(root, 'features-keys'));
    const calls: number[] = [];
    const first = await featureItems({ store, tally: {} as Tally }, stages(calls), [job(1), job(2)]);
    let reads = 0;
    // the same store, counting byte reads
    const counted = Object.create(store) as typeof store;
    counted.data = (c: Collection, k: string) => {
      reads++;
      return store.data(c, k);
    };
    const got: [number, number[] | undefined][] = [];
    const tally: Tally = {};
    const keys = await featureStream(
      { store: counted, tally },
      stages(calls),
      [job(1), job(3), job(2)],
      (i, f) => got.push([i, f && Array.from(f)]),
      { values: false },
    );
    expect(reads).toBe(0);
    expect(keys[0]).toBe(first[0].key);
    expect(keys[2]).toBe(first[1].key);
    // stored ones come without values, the computed one with them
    expect(got.sort((a, b) => a[0] - b[0])).toEqual([
      [0, undefined],
      [1, [3, 3.5]],
      [2, undefined],
    ]);
    expect(tally).toEqual({ features: { computed: 1, cached: 2 } });
    // a stored feature of another width is an error naming it, not a silent bank row
    const wider = { ...stages(calls), featureDim: 3 } as PipelineStages;
    await expect(
      featureStream({ store, tally: {} }, wider, [job(1)], () => {}, { values: false }),
    ).rejects.toThrow(/stored with 8 bytes, the backbone gives 3 values/);
  });

  it('stops before the next batch when cancelled, keeping the finished ones', async () => {
    const store = await openFsStore(nodeFs(), join(root, 'features-cancel'));
    const calls: number[] = [];
    const ac = new AbortController();
    const ctx = { store, tally: {} as Tally };
    const run = featureItems(ctx, stages(calls), [job(1), job(2), job(3)], {
      batch: 1,
      signal: ac.signal,
      onItem: (d) => d === 1 && ac.abort(),
    });
    await expect(run).rejects.toThrow(/cancel/i);
    expect(calls).toEqual([1]);
    expect(ctx.tally).toEqual({ features: { computed: 1, cached: 0 } });
  });
});

describe('planSplit', () => {
  const classes = ['a', 'b', 'c'];
  const labels = [...Array(10).fill(0), ...Array(10).fill(1), ...Array(10).fill(2)];

  it('holds the test split out first, then applies the profile and halves the rest', () => {
    const s = planSplit(labels, classes, 'lowshot:4', 3, 0.2);
    expect(s.test).toHaveLength(6); // 2 per class
    expect(s.trainCounts).toEqual([4, 4, 4]);
    expect(s.train).toHaveLength(6);
    expect(s.valid).toHaveLength(6);
    const all = [...s.train, ...s.valid, ...s.test];
    expect(new Set(all).size).toBe(all.length); // disjoint
    // The test split does not depend on the profile: comparable runs across profiles.
    expect(planSplit(labels, classes, 'full', 3, 0.2).test).toEqual(s.test);
    expect(planSplit(labels, classes, 'imbalanced:0.25', 3, 0.2).test).toEqual(s.test);
    expect(planSplit(labels, classes, 'lowshot:4', 4, 0.2).test).not.toEqual(s.test);
  });

  it('imbalanced keeps fewer images for some classes', () => {
    const s = planSplit(labels, classes, 'imbalanced:0.25', 1, 0.2);
    expect([...s.trainCounts].sort((x, y) => x - y)).toEqual([2, 4, 8]);
  });
});

describe('planCandidates', () => {
  const classes = ['cat', 'dog'];
  const labels = [0, 0, 0, 1, 1];
  const hashes = ['h0', 'h1', 'h2', 'h3', 'h4'];
  const captions = new Map([
    [0, 'a photo of a cat which sleeps'],
    [1, 'a photo of a cat which jumps'],
    [2, 'a photo of a cat which eats'],
    [3, 'a photo of a dog which runs'],
    [4, 'a photo of a dog which barks'],
  ]);
  const base = {
    pool: [0, 1, 2, 3, 4],
    labels,
    classes,
    hashes,
    captions,
    neighbours: [[1], [0]],
    kLocal: 2,
    kTransfer: 2,
    seed: 9,
  };

  it('local prompts come from another image of the same class; transfer prompts from a neighbour, renamed', () => {
    const jobs = planCandidates(base);
    expect(jobs).toHaveLength(5 * 4);
    for (const j of jobs) {
      const y = labels[j.n];
      if (j.source === 'local') {
        expect(labels[j.promptFrom]).toBe(y);
        expect(j.promptFrom).not.toBe(j.n);
        expect(j.prompt).toBe(captions.get(j.promptFrom));
      } else {
        expect(labels[j.promptFrom]).toBe(1 - y);
        expect(j.prompt).toBe(captions.get(j.promptFrom)?.replace(classes[1 - y], classes[y]));
      }
    }
  });

  it('a local prompt is the r-th other image of the class, r drawn from its own stream (as before the O(N) draw)', () => {
    const C = 3;
    const pool = Array.from({ length: 40 }, (_, i) => i).filter((i) => i % 7 !== 3);
    const L = Array.from({ length: 40 }, (_, i) => (i * 5) % C);
    const H = L.map((_, i) => `img${i}`);
    const jobs = planCandidates({
      pool,
      labels: L,
      classes: ['a', 'b', 'c'],
      hashes: H,
      captions: new Map(pool.map((n) => [n, `caption ${n}`])),
      neighbours: [[1], [2], [0]],
      kLocal: 3,
      kTransfer: 0,
      seed: 5,
    });
    expect(jobs).toHaveLength(pool.length * 3);
    for (const j of jobs) {
      // the rule written out: the class's pool images without n, the r-th of them
      const others = pool.filter((m) => L[m] === L[j.n] && m !== j.n);
      const rng = new Rng(5).fork(`local:${H[j.n]}:${j.j}`);
      expect(j.promptFrom).toBe(others[rng.int(others.length)]);
      expect(j.seed).toBe(rng.nextU32());
    }
  });

  it("a job's generation seed depends on its image and index, not on the rest of the pool", () => {
    const all = planCandidates(base);
    const fewer = planCandidates({ ...base, pool: [0, 1, 3], kLocal: 1, kTransfer: 1 });
    const pick = (js: typeof all, n: number, source: string, j: number) =>
      js.find((x) => x.n === n && x.source === source && x.j === j)?.seed;
    expect(pick(fewer, 0, 'local', 0)).toBe(pick(all, 0, 'local', 0));
    expect(pick(fewer, 3, 'transfer', 0)).toBe(pick(all, 3, 'transfer', 0));
    expect(new Set(all.map((j) => j.seed)).size).toBe(all.length);
    expect(planCandidates({ ...base, seed: 10 }).map((j) => j.seed)).not.toEqual(all.map((j) => j.seed));
  });
});

describe('assembleBank', () => {
  it('puts real features at source 0 and cycles candidates over K', () => {
    const v = (x: number) => Float32Array.of(x, -x);
    const bank = assembleBank({
      classes: ['a', 'b'],
      labels: [0, 1, 1],
      split: { train: [0], valid: [1], test: [2] },
      real: [v(1), v(2), v(3)],
      generated: new Map([
        [
          'local',
          new Map([
            [0, [v(10), v(11)]],
            [1, [v(20)]],
          ]),
        ],
        ['transfer', new Map([[0, [v(30)]]])],
      ]),
      D: 2,
    });
    expect(bank.sources).toEqual(['identity', 'local', 'transfer']);
    expect([bank.N, bank.S, bank.K, bank.D]).toEqual([3, 3, 2, 2]);
    const at = (n: number, s: number, k: number) => bank.features[featureOffset(bank, n, s, k)];
    expect([at(0, 0, 0), at(0, 0, 1), at(0, 1, 0), at(0, 1, 1), at(0, 2, 1)]).toEqual([1, 1, 10, 11, 30]);
    expect([at(1, 1, 0), at(1, 1, 1), at(1, 2, 0)]).toEqual([20, 20, 2]); // no transfer: the real image
    expect([at(2, 1, 0), at(2, 2, 1)]).toEqual([3, 3]); // test image: copies
  });
});

describe('resolveSettings', () => {
  it('checks what a user can get wrong, naming it', () => {
    expect(resolveSettings().profile).toBe('full');
    expect(() => resolveSettings({ profile: 'skewed:3' })).toThrow(/profile/i);
    expect(() => resolveSettings({ strength: 1.5 })).toThrow(/strength/);
    expect(() => resolveSettings({ kLocal: -1 })).toThrow(/k-local/);
    expect(() => resolveSettings({ methods: [] })).toThrow(/method/);
  });
});
