/**
 * Host side of the augmentation stage: torchvision's RandAugment magnitudes at its defaults (2 ops,
 * magnitude 9, 31 bins), the op draw, RandomResizedCrop.get_params, view sampling and op encoding.
 * Expected numbers are torchvision's `_augmentation_space` evaluated by hand at bin 9 of 31.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { OP_CODE, OP_WORDS } from '../../src/stages/augment/augment.wgsl.ts';
import { encodeOps } from '../../src/stages/augment/encode.ts';
import { affineFixed, inverseAffine, rotate, translate } from '../../src/stages/augment/ops.ts';
import {
  sampleResizedCrop,
  sampleView,
  toSteps,
  VIEW_PIPELINES,
  viewPipeline,
} from '../../src/stages/augment/pipelines.ts';
import {
  linspace32,
  type RA_OPS,
  RANDAUGMENT_DEFAULTS,
  raMagnitude,
  roundHalfEven,
  sampleRandAugment,
} from '../../src/stages/augment/randaugment.ts';

const mag = (name: (typeof RA_OPS)[number], w = 28, h = 28) => raMagnitude(name, RANDAUGMENT_DEFAULTS, w, h);

describe('RandAugment magnitudes (torchvision defaults: bin 9 of 31)', () => {
  it('geometric: shear 0.09, translate 150/331·W·0.3 (int() → 3 px at 28 px), rotate 9°; all signed', () => {
    expect(mag('ShearX').value).toBeCloseTo(0.09, 8);
    expect(mag('ShearY').signed).toBe(true);
    expect(mag('TranslateX').value).toBeCloseTo((150 / 331) * 28 * 0.3, 5);
    expect(Math.trunc(mag('TranslateX').value)).toBe(3);
    expect(mag('TranslateY', 28, 100).value).toBeCloseTo((150 / 331) * 100 * 0.3, 4);
    expect(mag('Rotate').value).toBe(9);
  });
  it('enhance factors 1 ± 0.27; posterize 7 bits; solarize threshold 178.5; others unsigned 0', () => {
    for (const n of ['Brightness', 'Color', 'Contrast', 'Sharpness'] as const) {
      expect(mag(n).value).toBeCloseTo(0.27, 7);
      expect(mag(n).signed).toBe(true);
    }
    expect(mag('Posterize')).toEqual({ value: 7, signed: false });
    expect(mag('Solarize')).toEqual({ value: 178.5, signed: false });
    expect(mag('AutoContrast')).toEqual({ value: 0, signed: false });
    expect(mag('Identity')).toEqual({ value: 0, signed: false });
  });
  it('linspace32 hits both ends exactly and counts down in its second half, like torch.linspace', () => {
    expect(linspace32(0, 0.3, 31, 0)).toBe(0);
    expect(linspace32(0, 0.3, 31, 30)).toBe(Math.fround(0.3));
    expect(Math.fround(linspace32(0, 0.3, 31, 9))).toBe(linspace32(0, 0.3, 31, 9)); // a float32
    expect(linspace32(255, 0, 31, 30)).toBe(0);
    expect([0.5, 1.5, 2.5, -0.5, 1.2].map(roundHalfEven)).toEqual([0, 2, 2, -0, 1]);
  });
  it('draws 2 ops uniformly over the 14 and negates signed ones half the time', () => {
    const rng = new Rng(1);
    const counts = new Map<string, number>();
    let negative = 0;
    let signedOps = 0;
    for (let i = 0; i < 7000; i++) {
      const draw = sampleRandAugment(rng, 28, 28);
      expect(draw).toHaveLength(2);
      for (const d of draw) {
        counts.set(d.name, (counts.get(d.name) ?? 0) + 1);
        if (mag(d.name).signed) {
          signedOps++;
          if (d.magnitude < 0) negative++;
        }
      }
    }
    expect(counts.size).toBe(14);
    for (const n of counts.values()) expect(Math.abs(n - 1000)).toBeLessThan(150); // 14000 / 14, ~5σ
    expect(Math.abs(negative / signedOps - 0.5)).toBeLessThan(0.03);
  });
});

describe('geometry matrices', () => {
  it('translate is an integer shift about the centre; rotate 90° on a square image is an exact transpose', () => {
    const t = translate(3.8, -2.9, 28, 28);
    expect(t.op === 'affine' && t.matrix.map((v) => v + 0)).toEqual([1, 0, -3, 0, 1, 2]); // + 0: −0 → 0
    const r = rotate(90, 4, 4);
    expect(r).toEqual({ op: 'affine', matrix: [0, -1, 4, 1, 0, 0] });
    expect(rotate(360, 5, 7)).toEqual({ op: 'identity' });
  });
  it('inverseAffine of a pure shear about the origin is [1, tan, 0; 0, 1, 0] (torchvision)', () => {
    const m = inverseAffine([0, 0], 0, [0, 0], [(Math.atan(0.09) * 180) / Math.PI, 0]);
    [1, 0.09, 0, 0, 1, 0].forEach((v, i) => {
      expect(m[i]).toBeCloseTo(v, 12);
    });
    expect(Array.from(affineFixed([1, 0, -3, 0, 1, 2]))).toEqual([65536, 0, -163840, 0, 65536, 163840]);
  });
});

describe('RandomResizedCrop.get_params', () => {
  it('boxes lie inside the image with area and aspect ratio in range (up to rounding)', () => {
    const rng = new Rng(7);
    for (let i = 0; i < 2000; i++) {
      const b = sampleResizedCrop(rng, 28, 20, [0.08, 1], [3 / 4, 4 / 3]);
      expect(b.top >= 0 && b.left >= 0 && b.top + b.height <= 20 && b.left + b.width <= 28).toBe(true);
      const area = (b.width * b.height) / (28 * 20);
      expect(area).toBeGreaterThan(0.03);
      expect(area).toBeLessThanOrEqual(1);
    }
  });
  it('falls back to the central crop at the nearest allowed ratio when no try fits', () => {
    // A 100×10 image never fits a ratio in [3/4, 4/3] at scale >= 0.5: centre crop 13×10 (round(10 · 4/3)).
    const b = sampleResizedCrop(new Rng(3), 100, 10, [0.5, 1], [3 / 4, 4 / 3]);
    expect(b).toEqual({ top: 0, left: 43, height: 10, width: 13 });
  });
});

describe('views', () => {
  it('the same seed gives the same ops; different seeds differ', () => {
    const a = sampleView(VIEW_PIPELINES.randaugment, new Rng(5), 28, 28);
    const b = sampleView(VIEW_PIPELINES.randaugment, new Rng(5), 28, 28);
    const c = sampleView(VIEW_PIPELINES.randaugment, new Rng(6), 28, 28);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });
  it('simple = flip half the time + a rotation in ±15°; unknown pipelines are refused', () => {
    const rng = new Rng(9);
    let flips = 0;
    for (let i = 0; i < 1000; i++) {
      const ops = sampleView(viewPipeline('simple'), rng, 28, 28);
      if (ops[0].op === 'hflip') flips++;
      expect(ops.at(-1)?.op).toBe('affine');
    }
    expect(Math.abs(flips - 500)).toBeLessThan(80);
    expect(() => viewPipeline('nope')).toThrow(/unknown view pipeline 'nope'/);
  });
  it('toSteps pads shorter op lists with identities', () => {
    const steps = toSteps([[{ op: 'hflip' }], [], [{ op: 'equalize' }, { op: 'autocontrast' }]]);
    expect(steps.map((s) => s.map((o) => o.op))).toEqual([
      ['hflip', 'identity', 'equalize'],
      ['identity', 'identity', 'autocontrast'],
    ]);
  });
});

describe('encodeOps', () => {
  it('writes op codes and arguments, crop tables with absolute offsets, and refuses bad arguments', () => {
    const enc = encodeOps(
      [
        { op: 'posterize', bits: 7 },
        { op: 'resizedCrop', top: 1, left: 2, height: 3, width: 4 },
        { op: 'solarize', threshold: 178.5 },
      ],
      8,
      6,
    );
    expect(enc.words.length).toBe(3 * OP_WORDS);
    expect(enc.words[0]).toBe(OP_CODE.posterize);
    expect(enc.words[1]).toBe(0xfe);
    expect(enc.words[OP_WORDS]).toBe(OP_CODE.resizedCrop);
    expect(enc.words[OP_WORDS + 1]).toBe(0);
    expect(new Float32Array(enc.words.buffer)[2 * OP_WORDS + 1]).toBe(178.5);
    expect(enc.coef[0]).toBe(2); // first column of output x = 0 reads source column left + 0
    expect(encodeOps([{ op: 'identity' }], 4, 4).coef.length).toBe(1); // never a zero-size binding
    expect(() => encodeOps([{ op: 'resizedCrop', top: 5, left: 0, height: 3, width: 2 }], 8, 6)).toThrow(
      /does not fit/,
    );
    expect(() => encodeOps([{ op: 'posterize', bits: 9 }], 8, 6)).toThrow(/0\.\.8/);
  });
});
