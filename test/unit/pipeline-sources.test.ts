/**
 * Issue 13: a run makes the sources its methods draw from, and only those. DA-Fusion's candidates are
 * planned per training image with "a photo of a <y>" (or the class's textual-inversion token); the
 * bank's K does not move when a method is added; a view's feature key follows the image's content,
 * not its index; the real pipeline over fixture models (ORT wasm) makes prompt candidates for
 * `dafusion` and none for a run without it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureModelsFolder } from '../../src/pipeline/app/fixtures.ts';
import { jsDecoder } from '../../src/pipeline/import/decode-js.ts';
import { featureItems } from '../../src/pipeline/items.ts';
import { openStages } from '../../src/pipeline/open-stages.ts';
import { classPrompt, planCandidates } from '../../src/pipeline/prompts.ts';
import { runPipeline } from '../../src/pipeline/run.ts';
import { planRunSources, runnableMethods } from '../../src/pipeline/run-sources.ts';
import { resolveSettings } from '../../src/pipeline/settings.ts';
import type { PipelineStages } from '../../src/pipeline/stages.ts';
import type { Tally } from '../../src/pipeline/tally.ts';
import { withClassToken } from '../../src/pipeline/ti-classes.ts';
import type { RgbImage } from '../../src/stages/image/resample.ts';
import { openFsStore } from '../../src/storage/fs.ts';
import { METHODS } from '../../src/train/method-registry.ts';
import { memorySource, png } from '../support/bad-inputs.ts';
import { nodeFs } from '../support/fs-adapter.ts';

const root = mkdtempSync(join(tmpdir(), 'autogenda-sources-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('DA-Fusion prompts', () => {
  const base = {
    pool: [0, 1, 2, 3],
    labels: [0, 0, 1, 1],
    classes: ['cat', 'owl'],
    hashes: ['h0', 'h1', 'h2', 'h3'],
    captions: new Map([
      [0, 'a photo of a cat which sleeps'],
      [1, 'a photo of a cat which jumps'],
      [2, 'a photo of an owl which flies'],
      [3, 'a photo of an owl which hoots'],
    ]),
    neighbours: [[1], [0]],
    kLocal: 1,
    kTransfer: 1,
    seed: 4,
  };

  it('plans kPrompt candidates per training image, each "a photo of a <y>" with its own seed', () => {
    const jobs = planCandidates({ ...base, kPrompt: 2 }).filter((j) => j.source === 'prompt');
    expect(jobs.map((j) => [j.n, j.j, j.prompt])).toEqual([
      [0, 0, 'a photo of a cat'],
      [0, 1, 'a photo of a cat'],
      [1, 0, 'a photo of a cat'],
      [1, 1, 'a photo of a cat'],
      [2, 0, 'a photo of an owl'],
      [2, 1, 'a photo of an owl'],
      [3, 0, 'a photo of an owl'],
      [3, 1, 'a photo of an owl'],
    ]);
    expect(new Set(jobs.map((j) => j.seed)).size).toBe(8);
    // the local and transfer jobs (and so their cache keys) are those of a run without prompts
    const without = planCandidates(base);
    expect(planCandidates({ ...base, kPrompt: 2 }).filter((j) => j.source !== 'prompt')).toEqual(without);
    expect(without.some((j) => j.source === 'prompt')).toBe(false);
  });

  it('names a class with a textual-inversion token by its token, as local/transfer prompts do', () => {
    expect(classPrompt('ankle_boot')).toBe('a photo of an ankle boot');
    expect(withClassToken(classPrompt('cat'), 'cat', '<cat>')).toBe('a photo of a <cat>');
  });
});

describe('planRunSources', () => {
  const k = { kLocal: 2, kTransfer: 1 };

  it('makes the union of the methods’ sources in a fixed order, and only those', () => {
    expect(planRunSources(['autogenda'], k).order).toEqual(['identity', 'local', 'transfer']);
    expect(planRunSources(['identity'], k).order).toEqual(['identity']);
    const all = planRunSources(['autogenda+ra', 'simple', 'dafusion'], k);
    expect(all.order).toEqual(['identity', 'local', 'transfer', 'prompt', 'simple', 'randaugment']);
    expect(all.views).toEqual(['simple', 'randaugment']);
    // K = max(kLocal, kTransfer): prompts and views fill it, local/transfer keep their own counts
    expect([all.K, all.kPrompt, all.kViews, all.kLocal, all.kTransfer]).toEqual([2, 2, 2, 2, 1]);
    expect(planRunSources(['identity'], k).K).toBe(2);
    expect(planRunSources(['dafusion'], { kLocal: 0, kTransfer: 0 }).kPrompt).toBe(1);
    // no method: what autogenda would make (a generation-only run)
    expect(planRunSources([], k).order).toEqual(['identity', 'local', 'transfer']);
  });

  it('refuses a source no run can make, and a needed caption source set to 0', () => {
    expect(() => planRunSources(['search:local+sketch'], k)).toThrow(
      /source 'sketch', which a run cannot make: a run makes local, transfer, prompt, simple/,
    );
    expect(() => planRunSources(['wo-transfer'], { kLocal: 0, kTransfer: 2 })).toThrow(
      /draws from 'local', but k-local is 0/,
    );
    expect(planRunSources(['wo-local'], { kLocal: 0, kTransfer: 2 }).order).toEqual(['identity', 'transfer']);
  });

  it('every registry method is runnable', () => {
    expect(runnableMethods()).toEqual(Object.keys(METHODS));
  });
});

describe('view features', () => {
  const stages = {
    ids: { backbone: 'bb-test' },
    featureDim: 1,
    features: async (imgs: readonly RgbImage[]) => Float32Array.from(imgs.map((im) => im.data[0])),
  } as unknown as PipelineStages;
  const img = (v: number) => async (): Promise<RgbImage> => ({
    width: 1,
    height: 1,
    channels: 3,
    data: new Uint8Array([v, v, v]),
  });
  // a stand-in renderer: the view's value is the image's plus its k (the real one is on the GPU)
  const render = async (vs: readonly { image: RgbImage; view: { k: number } }[]) =>
    vs.map(({ image, view }) => ({ ...image, data: image.data.map((x) => x + 10 * (view.k + 1)) }));

  it('are keyed by content (id), source, k and seed: another index or split finds them', async () => {
    const store = await openFsStore(nodeFs(), join(root, 'views'));
    const ctx = { store, tally: {} as Tally };
    const view = (k: number, seed = 0, source = 'simple') => ({ source, k, seed });
    const first = await featureItems(
      ctx,
      stages,
      [
        { id: 'hash-a', image: img(1) },
        { id: 'hash-a', image: img(1), view: view(0) },
        { id: 'hash-a', image: img(1), view: view(1) },
      ],
      { render },
    );
    expect(first.map((r) => r.f[0])).toEqual([1, 11, 21]);
    expect(new Set(first.map((r) => r.key)).size).toBe(3);
    // the same image at another place, with new views among the stored ones
    const ctx2 = { store, tally: {} as Tally };
    const again = await featureItems(
      ctx2,
      stages,
      [
        { id: 'hash-b', image: img(2), view: view(0) },
        { id: 'hash-a', image: img(1), view: view(1) },
        { id: 'hash-a', image: img(1), view: view(1, 7) },
        { id: 'hash-a', image: img(1), view: view(1, 0, 'randaugment') },
      ],
      { render },
    );
    expect(again[1].key).toBe(first[2].key);
    expect(new Set(again.map((r) => r.key)).size).toBe(4);
    expect(ctx2.tally).toEqual({ features: { computed: 3, cached: 1 } });
    // a stored view needs no renderer (no GPU on a cached run)
    const cached = await featureItems({ store, tally: {} }, stages, [
      { id: 'hash-a', image: img(1), view: view(0) },
    ]);
    expect(cached[0].f[0]).toBe(11);
    await expect(
      featureItems({ store, tally: {} }, stages, [{ id: 'hash-c', image: img(3), view: view(0) }]),
    ).rejects.toThrow(/no view renderer/);
  });
});

describe('runPipeline makes only the selected methods’ candidates', () => {
  const DATA = {
    'cat/a.png': png(24, 20, 1),
    'cat/b.png': png(20, 24, 2),
    'cat/c.png': png(16, 16, 3),
    'dog/d.png': png(24, 24, 4),
    'dog/e.png': png(18, 22, 5),
    'dog/f.png': png(16, 20, 6),
  };

  it('dafusion gets prompt candidates of "a photo of a <y>"; the bank has a prompt source', async () => {
    const stages = await openStages(await fixtureModelsFolder(), 'fixtures', { ep: 'wasm' });
    try {
      const store = await openFsStore(nodeFs(), join(root, 'run'));
      const run = (methods: string[]) =>
        runPipeline({
          source: memorySource('pets', DATA),
          decoder: jsDecoder,
          store,
          stages,
          settings: {
            ...resolveSettings({ seed: 1, kLocal: 1, kTransfer: 1, neighbours: 1, steps: 1 }),
            methods,
          },
          gpu: () => Promise.reject(new Error('no GPU in this test')),
        });
      // no method trains here (no GPU in Node): the run stops at training, after the bank
      await expect(run(['dafusion'])).rejects.toThrow(/no GPU in this test/);
      const gen = await run([]); // a generation-only run over the same store: local/transfer only
      expect(gen.bank.sources).toEqual(['identity', 'local', 'transfer']);
      expect(gen.candidates.every((c) => c.job.source !== 'prompt')).toBe(true);
      // the dafusion run's prompt candidates were stored: listing them by meta
      const prompts: { prompt: string; class: string }[] = [];
      for (const key of await store.keys('candidates')) {
        const m = (await store.get('candidates', key))?.meta as
          | { source: string; prompt: string; class: string }
          | undefined;
        if (m?.source === 'prompt') prompts.push(m);
      }
      expect(prompts.length).toBe(gen.candidates.length / 2); // one per training image
      for (const p of prompts) expect(p.prompt).toBe(`a photo of a ${p.class}`);
    } finally {
      await stages.dispose();
    }
  }, 180_000);
});
