/**
 * Issue 14 item 5, memory that does not grow with the dataset: the real runPipeline over the fixture
 * models (ORT wasm) keeps no image bytes or pixels for the run. Pixels are decoded on demand through a
 * small LRU (counted here: with room for one image each stage reads its images from the store again),
 * the result's candidates are keys without PNG bytes, the bank is an index whose rows are read from the
 * store and equal the bank assembled from the stored features, and the export reads every image from the store when it
 * writes it, byte for byte the stored files.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureModelsFolder } from '../../src/pipeline/app/fixtures.ts';
import { assembleBank } from '../../src/pipeline/bank-build.ts';
import { writeZip } from '../../src/pipeline/export/write.ts';
import { buildExports } from '../../src/pipeline/export-run.ts';
import { jsDecoder } from '../../src/pipeline/import/decode-js.ts';
import type { ImageDecoder } from '../../src/pipeline/import/decoder.ts';
import { candidatePng } from '../../src/pipeline/items.ts';
import { itemKey } from '../../src/pipeline/keys.ts';
import { bytesF32 } from '../../src/pipeline/memo.ts';
import { openStages } from '../../src/pipeline/open-stages.ts';
import { IMAGE_PREFIX, type PipelineResult, runPipeline } from '../../src/pipeline/run.ts';
import { resolveSettings } from '../../src/pipeline/settings.ts';
import type { PipelineStages } from '../../src/pipeline/stages.ts';
import { openFsStore } from '../../src/storage/fs.ts';
import type { Collection } from '../../src/storage/schema.ts';
import type { Store } from '../../src/storage/store.ts';
import { memorySource, png } from '../support/bad-inputs.ts';
import { nodeFs } from '../support/fs-adapter.ts';

const root = mkdtempSync(join(tmpdir(), 'autogenda-memory-'));
// 5 images per class: 1 test image each, a pool of 8, 16 candidates (K = 1 + 1)
const DATA = Object.fromEntries(
  ['cat', 'dog'].flatMap((c, k) =>
    [0, 1, 2, 3, 4].map((i) => [`${c}/${i}.png`, png(16 + i, 18, 10 * k + i + 1)]),
  ),
);
const N = 10;
const POOL = 8;
const CANDIDATES = 2 * POOL;

let stages: PipelineStages;
let store: Store<Collection>;
let r: PipelineResult;
let decodes = 0;
const settings = {
  ...resolveSettings({ seed: 1, kLocal: 1, kTransfer: 1, neighbours: 1, steps: 4 }),
  methods: [],
};

beforeAll(async () => {
  stages = await openStages(await fixtureModelsFolder(), 'fixtures', { ep: 'wasm' });
  store = await openFsStore(nodeFs(), join(root, 'store'));
  const counting: ImageDecoder = {
    ...jsDecoder,
    decode: (bytes, header) => {
      decodes++;
      return jsDecoder.decode(bytes, header);
    },
  };
  r = await runPipeline({
    source: memorySource('pets', DATA),
    decoder: counting,
    store,
    stages,
    settings,
    gpu: () => Promise.reject(new Error('no training in this test')),
    pixelCache: 1,
  });
}, 180_000);
afterAll(async () => {
  await stages?.dispose();
  rmSync(root, { recursive: true, force: true });
});

describe('a run keeps no image for its whole length', () => {
  it('decodes on demand: with room for one image, each stage reads its images from the store again', () => {
    expect([r.labels.length, r.split.train.length + r.split.valid.length, r.candidates.length]).toEqual([
      N,
      POOL,
      CANDIDATES,
    ]);
    // import checks every file, captions and candidates each read the pool (a parent's K candidates
    // one after another share one decode), features read every image and every candidate once
    expect(decodes).toBe(N + POOL + POOL + N + CANDIDATES);
  });

  it('candidates are keys and jobs; their PNGs are in the store', async () => {
    for (const c of r.candidates) {
      expect(Object.keys(c).sort()).toEqual(['job', 'key']);
      expect((await candidatePng(store, c.key)).subarray(1, 4)).toEqual(new TextEncoder().encode('PNG'));
    }
    await expect(candidatePng(store, 'candidate/none')).rejects.toThrow(/candidate candidate\/none.*missing/);
  });

  it('the bank written feature by feature is the bank assembled from the stored features', async () => {
    const feature = async (id: string) =>
      bytesF32(
        (await store.data(
          'features',
          await itemKey('feature', { model: stages.ids.backbone, image: id }),
        )) as Uint8Array,
      );
    const real = await Promise.all(r.imported.images.map((img) => feature(img.hash)));
    const generated = new Map<string, Map<number, Float32Array[]>>([
      ['local', new Map()],
      ['transfer', new Map()],
    ]);
    for (const c of r.candidates) {
      const m = generated.get(c.job.source) as Map<number, Float32Array[]>;
      m.set(c.job.n, [...(m.get(c.job.n) ?? []), await feature(c.key)]);
    }
    const want = assembleBank({
      classes: r.classes,
      labels: r.labels,
      split: r.split,
      real,
      generated,
      D: stages.featureDim,
    });
    expect([r.bank.N, r.bank.S, r.bank.K, r.bank.D]).toEqual([want.N, want.S, want.K, want.D]);
    expect(r.bank.sources).toEqual(want.sources);
    // the run holds the index only; its rows, read from the store, are the assembled bank's rows
    expect(Array.from(r.bank.index)).toEqual(Array.from(want.index ?? []));
    const rows = await r.bank.rows.read(Array.from({ length: r.bank.rows.count }, (_, i) => i));
    expect(Buffer.from(rows.buffer).equals(Buffer.from(want.features.buffer))).toBe(true);
    expect('features' in r.bank).toBe(false);
  });

  it('the export reads each image from the store as it writes it, byte for byte', async () => {
    // buildExports needs a finished training run; the dataset part does not look at it
    const run = {
      method: 'identity',
      seed: 0,
      classes: r.classes,
      sources: r.bank.sources,
      probs: r.classes.map(() => [1, 0, 0]),
      history: [],
      metrics: { top1: 0, meanClassAcc: 0, perClass: [0, 0], confusion: [], count: 0 },
      head: [
        { R: 2, Cin: stages.featureDim, w: new Float32Array(2 * stages.featureDim), b: new Float32Array(2) },
      ],
    };
    const ex = await buildExports({ ...r, runs: [run] }, stages, store, settings);
    const images = ex.files.filter((f) => f.path.startsWith('images/'));
    expect(images).toHaveLength(POOL + CANDIDATES);
    expect(images.every((f) => typeof f.data === 'function')).toBe(true); // nothing read yet
    const parts: Uint8Array[] = [];
    await writeZip(ex.files, async (c) => void parts.push(c));
    const zip = unzipSync(new Uint8Array(Buffer.concat(parts)));
    const meta = new TextDecoder()
      .decode(zip['metadata.jsonl'])
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { path: string; id: string; source: string });
    for (const line of meta) {
      const stored =
        line.source === 'real'
          ? await store.data('images', `${IMAGE_PREFIX}/${line.id}`)
          : await candidatePng(store, `candidate/${line.id}`);
      expect(Buffer.from(zip[line.path]).equals(Buffer.from(stored as Uint8Array))).toBe(true);
    }
  });
});
