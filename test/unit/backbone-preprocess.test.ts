import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ImagePreprocess } from '../../src/models/manifest.ts';
import { normalise, resizeAndCrop, shortestEdgeSize } from '../../src/stages/image/preprocess.ts';
import { resample } from '../../src/stages/image/resample.ts';
import { loadPng } from '../support/skimage.ts';
import { PIL_GOLDEN } from '../support/skimage-golden.ts';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const IMAGENET = { rescale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] } as const;
const resnet = (resample: 'bicubic' | 'bilinear'): ImagePreprocess => ({
  resize: { shortestEdge: 256 },
  resample,
  crop: { width: 224, height: 224 },
  rescale: IMAGENET.rescale,
  mean: [...IMAGENET.mean],
  std: [...IMAGENET.std],
});

describe('preprocessing matches Pillow (the reference the model cards use) on real photos', () => {
  for (const filter of ['bicubic', 'bilinear'] as const) {
    for (const g of PIL_GOLDEN[filter]) {
      it(`${g.name}.png, ${filter}: resize bit-exact, crop bit-exact, normalised within float32 rounding`, () => {
        const img = loadPng(`${g.name}.png`);
        const [w, h] = shortestEdgeSize(img.width, img.height, 256);
        expect([w, h]).toEqual([g.resized.width, g.resized.height]);
        expect(sha(resample(img, w, h, filter).data as Uint8Array)).toBe(g.resized.sha256);
        const p = resnet(filter);
        const crop = resizeAndCrop(img, p);
        expect(sha(crop.data as Uint8Array)).toBe(g.crop_sha256);
        const t = normalise(crop, p);
        expect(t.length).toBe(3 * 224 * 224);
        for (const [c, y, x, v] of g.samples) expect(t[c * 224 * 224 + y * 224 + x]).toBeCloseTo(v, 6);
        for (let c = 0; c < 3; c++) {
          let s = 0;
          for (let i = 0; i < 224 * 224; i++) s += t[c * 224 * 224 + i];
          expect(s / (224 * 224)).toBeCloseTo(g.channel_mean[c], 6);
        }
      });
    }
  }
  for (const g of PIL_GOLDEN.exact32) {
    it(`${g.name}: exact 32×32 resize is bit-exact`, () => {
      const [name, filter] = g.name.split('-') as [string, 'bicubic' | 'bilinear' | 'lanczos'];
      expect(sha(resample(loadPng(`${name}.png`), 32, 32, filter).data as Uint8Array)).toBe(g.sha256);
    });
  }

  it('a resample that drops the antialiasing support would not match (the test can fail)', () => {
    const img = loadPng('coffee.png');
    const out = resample(img, 384, 256, 'bilinear');
    expect(sha(out.data as Uint8Array)).not.toBe(PIL_GOLDEN.bicubic[0].resized.sha256);
  });
});
