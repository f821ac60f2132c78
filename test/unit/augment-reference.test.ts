/**
 * The CPU reference of the augmentation ops (the GPU tests' oracle) against real Pillow 9.4 outputs:
 * test/golden/augment-pil.json, made by test/golden/augment-golden.py from random RGB images with
 * torchvision's RandAugment arguments (magnitude 9 of 31 bins and others, both signs). Every op must match
 * Pillow byte for byte, except AutoContrast's documented difference, checked here to be exactly Pillow's
 * float64 rounding artefact.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type RgbaImage, rgbToRgba } from '../../src/stages/augment/image.ts';
import { type AugOp, rotate, shearX, shearY, translate } from '../../src/stages/augment/ops.ts';
import {
  applyReference,
  autocontrastLut,
  histograms,
  resizeBox,
} from '../../src/stages/augment/reference.ts';

interface Golden {
  images: { w: number; h: number; rgb: string }[];
  cases: { img: number; op: string; args: number[]; out: string }[];
}
const golden: Golden = JSON.parse(
  readFileSync(new URL('../golden/augment-pil.json', import.meta.url), 'utf8'),
);
const hex = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (b) => Number.parseInt(b, 16));
const images = golden.images.map((g) => rgbToRgba(hex(g.rgb), g.w, g.h));

function toOp(name: string, args: number[], img: RgbaImage): AugOp {
  const [m] = args;
  const { width: W, height: H } = img;
  switch (name) {
    case 'ShearX':
      return shearX(m);
    case 'ShearY':
      return shearY(m);
    case 'TranslateX':
      return translate(m, 0, W, H);
    case 'TranslateY':
      return translate(0, m, W, H);
    case 'Rotate':
      return rotate(m, W, H);
    case 'Brightness':
    case 'Color':
    case 'Contrast':
    case 'Sharpness':
      return { op: name.toLowerCase() as 'color', factor: 1 + m };
    case 'Posterize':
      return { op: 'posterize', bits: m };
    case 'Solarize':
      return { op: 'solarize', threshold: m };
    case 'Equalize':
      return { op: 'equalize' };
    case 'HFlip':
      return { op: 'hflip' };
    default:
      throw new Error(`no op for ${name}`);
  }
}

const rgbOf = (im: RgbaImage) => im.data.filter((_, i) => (i & 3) !== 3);

describe('augmentation reference vs Pillow 9.4', () => {
  const byOp = new Map<string, Golden['cases']>();
  for (const c of golden.cases) byOp.set(c.op, [...(byOp.get(c.op) ?? []), c]);

  for (const [name, cases] of byOp) {
    if (name === 'AutoContrast' || name === 'ResizedCrop') continue;
    it(`${name}: byte-exact on ${cases.length} cases`, () => {
      for (const c of cases) {
        const img = images[c.img];
        const got = applyReference(img, toOp(name, c.args, img)).image;
        expect(Array.from(rgbOf(got)), `${name} ${JSON.stringify(c.args)} on image ${c.img}`).toEqual(
          Array.from(hex(c.out)),
        );
      }
    });
  }

  it('ResizedCrop (crop, then bilinear resize, up and down): byte-exact', () => {
    const cases = byOp.get('ResizedCrop') ?? [];
    expect(cases.length).toBeGreaterThan(10);
    for (const c of cases) {
      const [top, left, height, width, outH, outW] = c.args;
      const img = images[c.img];
      const box = { top, left, height, width };
      const got =
        outW === img.width && outH === img.height
          ? applyReference(img, { op: 'resizedCrop', ...box }).image
          : resizeBox(img, box, outW, outH);
      expect(Array.from(rgbOf(got)), `crop ${JSON.stringify(c.args)} on image ${c.img}`).toEqual(
        Array.from(hex(c.out)),
      );
    }
  });

  it("AutoContrast: Pillow's float64 LUT byte-exact; our exact LUT differs only where Pillow's rounding drops a level", () => {
    for (const c of byOp.get('AutoContrast') ?? []) {
      const img = images[c.img];
      const want = hex(c.out);
      const luts = histograms(img).map((h) => autocontrastLut(h, 'pil'));
      const pil = rgbOf(img).map((v, i) => luts[i % 3][v]);
      expect(Array.from(pil)).toEqual(Array.from(want));
      const exact = rgbOf(applyReference(img, { op: 'autocontrast' }).image);
      exact.forEach((v, i) => {
        expect(v - want[i]).toBeGreaterThanOrEqual(0);
        expect(v - want[i]).toBeLessThanOrEqual(1);
      });
    }
  });
});

describe('autocontrast LUT difference, exhaustively', () => {
  it('exact − Pillow is 0 or 1, and 1 only where (v − lo)·255/(hi − lo) is an integer', () => {
    let drops = 0;
    for (const [lo, hi] of [
      [0, 25],
      [0, 255],
      [3, 200],
      [17, 90],
      [100, 101],
    ]) {
      const h = new Uint32Array(256);
      h[lo] = h[hi] = 1;
      const exact = autocontrastLut(h, 'exact');
      const pil = autocontrastLut(h, 'pil');
      for (let v = 0; v < 256; v++) {
        const d = exact[v] - pil[v];
        expect(d === 0 || d === 1).toBe(true);
        if (d === 1) {
          drops++;
          expect(((v - lo) * 255) % (hi - lo)).toBe(0);
        }
      }
    }
    expect(drops).toBeGreaterThan(0); // lo = 0, hi = 25: Pillow maps 25 to 254
  });
});
