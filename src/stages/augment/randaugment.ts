/**
 * RandAugment (Cubuk et al. 2020) as torchvision.transforms.RandAugment: `numOps` ops drawn uniformly
 * from 14, each at bin `magnitude` of `numBins` (defaults 2, 9, 31), signed ops negated with p = 1/2.
 * Magnitudes follow torchvision's `_augmentation_space` (float32 linspace, as torch computes it).
 */
import { ConfigError } from '../../core/errors.ts';
import type { Rng } from '../../core/rng.ts';
import { type AugOp, rotate, shearX, shearY, translate } from './ops.ts';

/** torchvision's order (the op index is drawn over this list). */
export const RA_OPS = [
  'Identity',
  'ShearX',
  'ShearY',
  'TranslateX',
  'TranslateY',
  'Rotate',
  'Brightness',
  'Color',
  'Contrast',
  'Sharpness',
  'Posterize',
  'Solarize',
  'AutoContrast',
  'Equalize',
] as const;
export type RaOpName = (typeof RA_OPS)[number];

export interface RandAugmentConfig {
  numOps: number;
  magnitude: number;
  numBins: number;
}

export const RANDAUGMENT_DEFAULTS: Readonly<RandAugmentConfig> = Object.freeze({
  numOps: 2,
  magnitude: 9,
  numBins: 31,
});

/**
 * torch.linspace(start, end, n)[i] in float32: the first half counts up from start, the rest down from end,
 * as ATen's kernel (its vectorised path may differ in the last bit, which moves no pixel here).
 */
export function linspace32(start: number, end: number, n: number, i: number): number {
  const [a, b] = [Math.fround(start), Math.fround(end)];
  if (n === 1) return a;
  const step = Math.fround((b - a) / (n - 1));
  return i < Math.floor(n / 2)
    ? Math.fround(a + Math.fround(step * i))
    : Math.fround(b - Math.fround(step * (n - i - 1)));
}

/** Round half to even (torch.round, Python's round). */
export const roundHalfEven = (x: number) => {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
};

/** (magnitude, signed) of an op at a bin, for a width × height image. */
export function raMagnitude(
  name: RaOpName,
  cfg: RandAugmentConfig,
  width: number,
  height: number,
): { value: number; signed: boolean } {
  const { magnitude: i, numBins: n } = cfg;
  const lin = (a: number, b: number) => linspace32(a, b, n, i);
  switch (name) {
    case 'ShearX':
    case 'ShearY':
      return { value: lin(0, 0.3), signed: true };
    case 'TranslateX':
      return { value: lin(0, (150 / 331) * width), signed: true };
    case 'TranslateY':
      return { value: lin(0, (150 / 331) * height), signed: true };
    case 'Rotate':
      return { value: lin(0, 30), signed: true };
    case 'Brightness':
    case 'Color':
    case 'Contrast':
    case 'Sharpness':
      return { value: lin(0, 0.9), signed: true };
    case 'Posterize':
      return { value: 8 - roundHalfEven(i / ((n - 1) / 4)), signed: false };
    case 'Solarize':
      return { value: lin(255, 0), signed: false };
    default:
      return { value: 0, signed: false };
  }
}

/** torchvision `_apply_op` for PIL images. */
export function raOp(name: RaOpName, m: number, width: number, height: number): AugOp {
  switch (name) {
    case 'Identity':
      return { op: 'identity' };
    case 'ShearX':
      return shearX(m);
    case 'ShearY':
      return shearY(m);
    case 'TranslateX':
      return translate(m, 0, width, height);
    case 'TranslateY':
      return translate(0, m, width, height);
    case 'Rotate':
      return rotate(m, width, height);
    case 'Brightness':
      return { op: 'brightness', factor: 1 + m };
    case 'Color':
      return { op: 'color', factor: 1 + m };
    case 'Contrast':
      return { op: 'contrast', factor: 1 + m };
    case 'Sharpness':
      return { op: 'sharpness', factor: 1 + m };
    case 'Posterize':
      return { op: 'posterize', bits: Math.trunc(m) };
    case 'Solarize':
      return { op: 'solarize', threshold: m };
    case 'AutoContrast':
      return { op: 'autocontrast' };
    case 'Equalize':
      return { op: 'equalize' };
  }
}

export function checkRandAugment(cfg: RandAugmentConfig): void {
  const { numOps, magnitude, numBins } = cfg;
  if (!Number.isInteger(numOps) || numOps < 0) throw new ConfigError(`RandAugment numOps must be >= 0`);
  if (!Number.isInteger(numBins) || numBins < 2) throw new ConfigError(`RandAugment numBins must be >= 2`);
  if (!Number.isInteger(magnitude) || magnitude < 0 || magnitude >= numBins)
    throw new ConfigError(`RandAugment magnitude must be an integer in 0..${numBins - 1}, got ${magnitude}`);
}

/** One RandAugment draw: the ops (with names, for logs and tests) applied in order. */
export function sampleRandAugment(
  rng: Rng,
  width: number,
  height: number,
  cfg: RandAugmentConfig = RANDAUGMENT_DEFAULTS,
): { name: RaOpName; magnitude: number; op: AugOp }[] {
  checkRandAugment(cfg);
  return Array.from({ length: cfg.numOps }, () => {
    const name = RA_OPS[rng.int(RA_OPS.length)];
    const { value, signed } = raMagnitude(name, cfg, width, height);
    const m = signed && rng.int(2) === 1 ? -value : value;
    return { name, magnitude: m, op: raOp(name, m, width, height) };
  });
}
