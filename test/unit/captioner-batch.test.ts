/**
 * Captioner.captionBatch against caption() of each image alone (ORT wasm, fixture graphs): the whole
 * result — tokens, text, EOS, the cache lengths fed — must be the same, whatever the batch mixes
 * (classes with prompts of other lengths, images of other sizes), for both layouts, and the
 * encoder–decoder batch must really share calls (counted per session).
 */
import { describe, expect, it } from 'vitest';
import { folderOf, smolVlmFixture, vitGpt2Fixture } from '../../models/fixtures/index.ts';
import { CallCounter } from '../../src/ort/calls.ts';
import type { RgbImage } from '../../src/stages/image/resample.ts';
import { openCaptioner } from '../../src/stages/open-stage.ts';
import { loadPng } from '../support/skimage.ts';

const noise = (w: number, h: number, seed: number): RgbImage => {
  const data = new Uint8Array(w * h * 3);
  let x = seed;
  for (let i = 0; i < data.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    data[i] = x >>> 24;
  }
  return { width: w, height: h, channels: 3, data };
};

const items = () => [
  { image: loadPng('coffee.png'), className: 'cat' },
  { image: loadPng('chelsea.png'), className: 'dog' },
  { image: noise(40, 30, 1), className: 'cat' },
  { image: noise(32, 32, 2), className: 'cat' },
  { image: noise(20, 50, 3), className: 'golden retriever' },
  { image: noise(64, 64, 4), className: 'dog' },
];

describe('Captioner.captionBatch', () => {
  for (const variant of ['fp32', 'no-eos', 'eos-now']) {
    it(`encoder–decoder (${variant}): each caption as alone, in fewer calls`, async () => {
      const p = await vitGpt2Fixture();
      const calls = new CallCounter();
      const { stage, model } = await openCaptioner(p.manifest, {
        folder: folderOf(p),
        ep: 'wasm',
        variant,
        calls,
      });
      try {
        const xs = items();
        const alone = [];
        for (const it of xs) alone.push(await stage.caption(it.image, it.className, { maxNewTokens: 8 }));
        const single = calls.snapshot();
        const batched = await stage.captionBatch(xs, { maxNewTokens: 8 });
        expect(batched).toEqual(alone);
        const after = calls.snapshot();
        const used = (k: string) => after[k].calls - single[k].calls;
        expect(used('captioner.encoder')).toBe(1);
        expect(used('captioner.decoder')).toBeLessThan(single['captioner.decoder'].calls);
      } finally {
        await model.dispose();
      }
    });
  }

  it('the images do decide their captions (a mix-up of rows would show)', async () => {
    const p = await vitGpt2Fixture();
    const { stage, model } = await openCaptioner(p.manifest, {
      folder: folderOf(p),
      ep: 'wasm',
      variant: 'no-eos',
    });
    try {
      const xs = items().filter((x) => x.className === 'cat');
      const r = await stage.captionBatch(xs, { maxNewTokens: 8 });
      expect(new Set(r.map((x) => x.generated.join(','))).size).toBeGreaterThan(1);
    } finally {
      await model.dispose();
    }
  });

  it('vision–embed–decoder: one image at a time, the same as caption()', async () => {
    const p = await smolVlmFixture();
    const { stage, model } = await openCaptioner(p.manifest, {
      folder: folderOf(p),
      ep: 'wasm',
      variant: 'fp32',
    });
    try {
      const xs = items().slice(0, 3);
      const alone = [];
      for (const it of xs) alone.push(await stage.caption(it.image, it.className, { maxNewTokens: 6 }));
      expect(await stage.captionBatch(xs, { maxNewTokens: 6 })).toEqual(alone);
    } finally {
      await model.dispose();
    }
  });
});
