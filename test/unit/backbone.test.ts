import { describe, expect, it } from 'vitest';
import { backboneFixture, folderOf } from '../../models/fixtures/index.ts';
import { backboneWeights } from '../../models/fixtures/vision-text.ts';
import type { TensorData } from '../../src/ort/types.ts';
import { Backbone } from '../../src/stages/backbone.ts';
import { openBackbone } from '../../src/stages/open-stage.ts';
import { loadPng } from '../support/skimage.ts';

/** Float64 oracle of the fixture graph: φ = W · channel_mean(pixels) + b. */
function oracle(px: TensorData<'float32'>): Float64Array {
  const { w, b } = backboneWeights();
  const [B, , H, W] = px.dims;
  const hw = H * W;
  const out = new Float64Array(B * 2048);
  for (let n = 0; n < B; n++) {
    const mean = [0, 1, 2].map((c) => {
      let s = 0;
      for (let i = 0; i < hw; i++) s += px.data[(n * 3 + c) * hw + i];
      return s / hw;
    });
    for (let d = 0; d < 2048; d++)
      out[n * 2048 + d] = b[d] + w[d * 3] * mean[0] + w[d * 3 + 1] * mean[1] + w[d * 3 + 2] * mean[2];
  }
  return out;
}

const photos = () => [loadPng('coffee.png'), loadPng('chelsea.png'), loadPng('astronaut.png')];

describe('Backbone: 2048-d pooled features on real photos (ORT wasm)', () => {
  for (const layout of ['hf', 'torchvision'] as const) {
    it(`${layout} layout: features equal the float64 oracle; batching changes nothing`, async () => {
      const p = await backboneFixture(layout);
      const { stage, model } = await openBackbone(p.manifest, { folder: folderOf(p), ep: 'wasm' });
      const imgs = photos();
      const px = stage.pixels(imgs);
      expect(px.dims).toEqual([3, 3, 224, 224]);
      const want = oracle(px);
      const f2 = await stage.features(imgs, { batchSize: 2 });
      const f1 = await stage.features(imgs, { batchSize: 1 });
      expect(f2.length).toBe(3 * 2048);
      let maxErr = 0;
      for (let i = 0; i < f2.length; i++) {
        maxErr = Math.max(maxErr, Math.abs(f2[i] - want[i]));
        expect(f1[i]).toBeCloseTo(f2[i], 5);
      }
      expect(maxErr).toBeLessThan(1e-4);
      await model.dispose();
    });
  }

  it('both layouts give the same features for the same weights (7×7 average = global average)', async () => {
    const [hf, tv] = await Promise.all([backboneFixture('hf'), backboneFixture('torchvision')]);
    const a = await openBackbone(hf.manifest, { folder: folderOf(hf), ep: 'wasm' });
    const b = await openBackbone(tv.manifest, { folder: folderOf(tv), ep: 'wasm' });
    // same resampling filter for both, so only the layout differs
    const bStage = new Backbone(b.model.sessions.model, {
      ...b.stage.settings,
      preprocess: a.stage.settings.preprocess,
    });
    const imgs = [loadPng('coffee.png')];
    const fa = await a.stage.features(imgs);
    const fb = await bStage.features(imgs);
    for (let i = 0; i < fa.length; i++) expect(fa[i]).toBeCloseTo(fb[i], 4);
    await a.model.dispose();
    await b.model.dispose();
  });

  it('the fp16 variant (float16 graph I/O) agrees with fp32 to half precision', async () => {
    const p = await backboneFixture('hf');
    const a = await openBackbone(p.manifest, { folder: folderOf(p), ep: 'wasm', variant: 'fp32' });
    const b = await openBackbone(p.manifest, { folder: folderOf(p), ep: 'wasm', variant: 'fp16' });
    expect(b.model.sessions.model.inputs[0].dtype).toBe('float16');
    const imgs = [loadPng('coffee.png')];
    const fa = await a.stage.features(imgs);
    const fb = await b.stage.features(imgs);
    let maxRel = 0;
    for (let i = 0; i < fa.length; i++)
      maxRel = Math.max(maxRel, Math.abs(fa[i] - fb[i]) / (Math.abs(fa[i]) + 1));
    expect(maxRel).toBeLessThan(4e-3);
    await a.model.dispose();
    await b.model.dispose();
  });
});
