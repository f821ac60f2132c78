/**
 * Issue 14's acceptance "batched and one-at-a-time runs give byte-identical candidates for the same
 * seeds": the real runPipeline over the fixture models (ORT wasm; the VAE encoder's sampling fed from
 * each job's own seed through `vae_noise`), once one image per model call and once batched, into two
 * fresh stores. Same candidate keys, PNG bytes and captions; the model-call counters show the batches;
 * a batched run over the one-at-a-time run's store finds every item (the keys ignore the batch size).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureModelsFolder } from '../../src/pipeline/app/fixtures.ts';
import { jsDecoder } from '../../src/pipeline/import/decode-js.ts';
import { candidatePng } from '../../src/pipeline/items.ts';
import { openStages } from '../../src/pipeline/open-stages.ts';
import { runPipeline } from '../../src/pipeline/run.ts';
import { resolveSettings } from '../../src/pipeline/settings.ts';
import type { PipelineStages } from '../../src/pipeline/stages.ts';
import { openFsStore } from '../../src/storage/fs.ts';
import { memorySource, png } from '../support/bad-inputs.ts';
import { nodeFs } from '../support/fs-adapter.ts';

const root = mkdtempSync(join(tmpdir(), 'autogenda-batch-'));
let stages: PipelineStages;
beforeAll(async () => {
  stages = await openStages(await fixtureModelsFolder(), 'fixtures', { ep: 'wasm' });
});
afterAll(async () => {
  await stages?.dispose();
  rmSync(root, { recursive: true, force: true });
});

// 4 images per class: the pool (train ∪ valid) is 6 images, 12 candidates; sizes differ on purpose
const DATA = Object.fromEntries(
  ['cat', 'dog'].flatMap((c, k) =>
    [0, 1, 2, 3].map((i) => [`${c}/${i}.png`, png(16 + 2 * i, 20 - 2 * k, 10 * k + i + 1)]),
  ),
);

async function run(dir: string, batch: { batchGenerate: number; batchCaption: number }, guidance: number) {
  const settings = {
    ...resolveSettings({ seed: 3, kLocal: 1, kTransfer: 1, neighbours: 1, steps: 4, guidance, ...batch }),
    methods: [],
  };
  const store = await openFsStore(nodeFs(), join(root, dir));
  const r = await runPipeline({
    source: memorySource('pets', DATA),
    decoder: jsDecoder,
    store,
    stages,
    settings,
    gpu: () => Promise.reject(new Error('no training in this test')),
  });
  return {
    candidates: await Promise.all(
      r.candidates.map(async (c) => ({ key: c.key, png: Buffer.from(await candidatePng(store, c.key)) })),
    ),
    captions: [...r.captions.entries()],
    calls: r.modelCalls,
    tally: r.tally,
  };
}

const differing = (a: { key: string; png: Buffer }[], b: { key: string; png: Buffer }[]) =>
  b.filter((c, i) => !c.png.equals(a[i].png)).map((c) => c.key);

describe('batched generation and captioning', () => {
  it('batch sizes are integers >= 1, 4 by default (also when a saved setting has none)', () => {
    expect(resolveSettings()).toMatchObject({ batchGenerate: 4, batchCaption: 4 });
    expect(resolveSettings({ batchGenerate: undefined })).toMatchObject({ batchGenerate: 4 });
    expect(() => resolveSettings({ batchGenerate: 0 })).toThrow(
      /batch-generate must be an integer >= 1, got 0/,
    );
    expect(() => resolveSettings({ batchCaption: 2.5 })).toThrow(/batch-caption must be an integer >= 1/);
  });

  it('gives the one-at-a-time candidates and captions byte for byte; calls show the batches (no guidance)', async () => {
    const one = await run('one', { batchGenerate: 1, batchCaption: 1 }, 1);
    const four = await run('four', { batchGenerate: 4, batchCaption: 4 }, 1);
    const N = one.candidates.length;
    const M = one.captions.length;
    expect(N).toBe(12);
    expect(M).toBe(6);
    expect(four.tally.candidates).toEqual({ computed: N, cached: 0 });
    expect(four.candidates.map((c) => c.key)).toEqual(one.candidates.map((c) => c.key));
    expect(differing(one.candidates, four.candidates)).toEqual([]);
    expect(four.captions).toEqual(one.captions);
    // and the outputs are not all alike (a batch mix-up would not hide behind constant images)
    expect(new Set(four.candidates.map((c) => c.png.toString('base64'))).size).toBe(N);

    // one image per call: calls = samples; batched: the same samples in ⌈N/4⌉ calls per step
    const unet1 = one.calls['img2img.unet'];
    const steps = unet1.calls / N;
    expect(Number.isInteger(steps) && steps >= 1).toBe(true);
    expect(unet1.samples).toBe(unet1.calls);
    expect(four.calls['img2img.unet']).toEqual({ calls: Math.ceil(N / 4) * steps, samples: N * steps });
    expect(four.calls['img2img.vaeEncoder']).toEqual({ calls: Math.ceil(N / 4), samples: N });
    expect(four.calls['img2img.vaeDecoder']).toEqual({ calls: Math.ceil(N / 4), samples: N });
    expect(one.calls['captioner.encoder']).toEqual({ calls: M, samples: M });
    // the caption encoder runs once per batch of 4; images of one class decode in one call per token
    expect(four.calls['captioner.encoder']).toEqual({ calls: Math.ceil(M / 4), samples: M });
    const dec1 = one.calls['captioner.decoder'];
    const dec4 = four.calls['captioner.decoder'];
    expect(dec1.samples).toBe(dec1.calls);
    expect(dec4.calls).toBeLessThan(dec1.calls);
    expect(dec4.samples).toBeGreaterThanOrEqual(dec1.samples);

    // a batched run over the one-at-a-time store computes nothing: the same keys
    const again = await run('one', { batchGenerate: 8, batchCaption: 8 }, 1);
    expect(again.tally.candidates).toEqual({ computed: 0, cached: N });
    expect(again.tally.caption).toEqual({ computed: 0, cached: M });
    expect(again.calls['img2img.unet']?.calls ?? 0).toBe(0);
  }, 240_000);

  it('under classifier-free guidance too, with a last batch that is not full', async () => {
    const one = await run('g-one', { batchGenerate: 1, batchCaption: 1 }, 7.5);
    const five = await run('g-five', { batchGenerate: 5, batchCaption: 5 }, 7.5);
    const N = one.candidates.length;
    expect(five.candidates.map((c) => c.key)).toEqual(one.candidates.map((c) => c.key));
    expect(differing(one.candidates, five.candidates)).toEqual([]);
    const steps = one.calls['img2img.unet'].calls / N;
    // guided: each call carries 2 rows (unconditional, conditional) per image
    expect(one.calls['img2img.unet'].samples).toBe(2 * N * steps);
    expect(five.calls['img2img.unet']).toEqual({ calls: Math.ceil(N / 5) * steps, samples: 2 * N * steps });
  }, 240_000);
});
