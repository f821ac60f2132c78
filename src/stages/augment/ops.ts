/**
 * The image operations, as data. Semantics are Pillow's (torchvision's RandAugment and RandomResizedCrop
 * call Pillow on PIL images), restated in src/stages/augment/reference.ts (CPU) and augment.wgsl.ts (GPU):
 * - affine: Pillow `Image.transform(AFFINE, NEAREST, fillcolor=0)` with its 16.16 fixed-point sampling;
 *   the matrix maps an output pixel centre to an input position (an *inverse* map, as torchvision builds);
 * - brightness/color/contrast/sharpness: `ImageEnhance.*.enhance(factor)` = `Image.blend(degenerate, img)`;
 * - posterize/solarize/autocontrast/equalize: `ImageOps.*`;
 * - resizedCrop: `img.crop(box).resize(size, BILINEAR)` with Pillow's 8-bit fixed-point two-pass resampler.
 * Every op keeps the image size. Alpha moves with geometric ops and is left alone by colour ops.
 */

export type BlendOpName = 'brightness' | 'color' | 'contrast' | 'sharpness';

export type AugOp =
  | { op: 'identity' }
  | { op: 'hflip' }
  | { op: 'affine'; matrix: readonly number[] }
  | { op: BlendOpName; factor: number }
  | { op: 'posterize'; bits: number }
  | { op: 'solarize'; threshold: number }
  | { op: 'autocontrast' }
  | { op: 'equalize' }
  | { op: 'resizedCrop'; top: number; left: number; height: number; width: number };

/** torchvision `_get_inverse_affine_matrix(center, angle, translate, scale=1, shear)`, angles in degrees. */
export function inverseAffine(
  center: readonly [number, number],
  angle: number,
  translate: readonly [number, number],
  shear: readonly [number, number],
): number[] {
  const rot = (angle * Math.PI) / 180;
  const sx = (shear[0] * Math.PI) / 180;
  const sy = (shear[1] * Math.PI) / 180;
  const [cx, cy] = center;
  const [tx, ty] = translate;
  const a = Math.cos(rot - sy) / Math.cos(sy);
  const b = (-Math.cos(rot - sy) * Math.tan(sx)) / Math.cos(sy) - Math.sin(rot);
  const c = Math.sin(rot - sy) / Math.cos(sy);
  const d = (-Math.sin(rot - sy) * Math.tan(sx)) / Math.cos(sy) + Math.cos(rot);
  const m = [d, -b, 0, -c, a, 0];
  m[2] += m[0] * (-cx - tx) + m[1] * (-cy - ty);
  m[5] += m[3] * (-cx - tx) + m[4] * (-cy - ty);
  m[2] += cx;
  m[5] += cy;
  return m;
}

const degrees = (rad: number) => (rad * 180) / Math.PI;

/** RandAugment ShearX: `F.affine(shear=[degrees(atan(m)), 0], center=[0, 0])`. */
export const shearX = (m: number): AugOp => ({
  op: 'affine',
  matrix: inverseAffine([0, 0], 0, [0, 0], [degrees(Math.atan(m)), 0]),
});

export const shearY = (m: number): AugOp => ({
  op: 'affine',
  matrix: inverseAffine([0, 0], 0, [0, 0], [0, degrees(Math.atan(m))]),
});

/** RandAugment TranslateX/Y: `F.affine(translate=[int(m), 0])` about the image centre; int() truncates. */
export const translate = (dx: number, dy: number, width: number, height: number): AugOp => ({
  op: 'affine',
  matrix: inverseAffine([width / 2, height / 2], 0, [Math.trunc(dx), Math.trunc(dy)], [0, 0]),
});

/** Python's round(x, 15), as Pillow applies to the rotation matrix entries. */
const round15 = (x: number) => Number(x.toFixed(15));

/**
 * Pillow `Image.rotate(angle, NEAREST, expand=False)`: counter-clockwise degrees about (w/2, h/2). Like
 * Pillow, multiples of 90° that keep the size are exact transposes (written here as exact matrices).
 */
export function rotate(angle: number, width: number, height: number): AugOp {
  const quarter = ((angle % 360) + 360) % 360;
  if (quarter === 0) return { op: 'identity' };
  if (quarter === 180) return { op: 'affine', matrix: [-1, 0, width, 0, -1, height] };
  if (width === height && quarter === 90) return { op: 'affine', matrix: [0, -1, width, 1, 0, 0] };
  if (width === height && quarter === 270) return { op: 'affine', matrix: [0, 1, 0, -1, 0, height] };
  const r = (-angle * Math.PI) / 180;
  const m = [round15(Math.cos(r)), round15(Math.sin(r)), 0, round15(-Math.sin(r)), round15(Math.cos(r)), 0];
  const [cx, cy] = [width / 2, height / 2];
  const m2 = m[0] * -cx + m[1] * -cy + m[2];
  const m5 = m[3] * -cx + m[4] * -cy + m[5];
  return { op: 'affine', matrix: [m[0], m[1], m2 + cx, m[3], m[4], m5 + cy] };
}

/**
 * Pillow's affine_fixed (Geometry.c): 16.16 fixed-point coefficients, sampling at pixel centres. An output
 * pixel (x, y) reads input (floor((a2 + x·a0 + y·a1) / 2¹⁶), floor((a5 + x·a3 + y·a4) / 2¹⁶)).
 * (Pillow takes a float path for pure scale/translate matrices; for the integer translations and flips
 * used here it lands on the same pixels.)
 */
export function affineFixed(m: readonly number[]): Int32Array {
  const fix = (v: number) => Math.floor(v * 65536 + 0.5);
  return Int32Array.from([
    fix(m[0]),
    fix(m[1]),
    fix(m[2] + m[0] * 0.5 + m[1] * 0.5),
    fix(m[3]),
    fix(m[4]),
    fix(m[5] + m[3] * 0.5 + m[4] * 0.5),
  ]);
}

/** Fixed-point bits of Pillow's 8-bit resampler (Resample.c: 32 − 8 − 2). */
export const RESAMPLE_BITS = 22;

export interface ResampleAxis {
  /** Taps per output pixel (Pillow's ksize). */
  taps: number;
  /** Per output pixel: first input index (relative to the crop) and number of taps used. */
  min: Int32Array;
  count: Int32Array;
  /** Per output pixel × taps: fixed-point weights (2²² = 1). */
  weights: Int32Array;
}

/** Pillow `precompute_coeffs` + `normalize_coeffs_8bpc` for the bilinear (triangle) filter. */
export function resampleAxis(inSize: number, outSize: number): ResampleAxis {
  const scale = inSize / outSize;
  const filterscale = Math.max(1, scale);
  const support = filterscale; // bilinear support 1, widened when shrinking (antialias)
  const taps = Math.ceil(support) * 2 + 1;
  const min = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Int32Array(outSize * taps);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const ss = 1 / filterscale;
    const xmin = Math.max(0, Math.trunc(center - support + 0.5));
    const xmax = Math.min(inSize, Math.trunc(center + support + 0.5)) - xmin;
    const k = new Float64Array(xmax);
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      const t = Math.abs((x + xmin - center + 0.5) * ss);
      k[x] = t < 1 ? 1 - t : 0;
      ww += k[x];
    }
    for (let x = 0; x < xmax; x++) {
      const w = ww !== 0 ? k[x] / ww : k[x];
      weights[xx * taps + x] = Math.trunc(
        w < 0 ? -0.5 + w * 2 ** RESAMPLE_BITS : 0.5 + w * 2 ** RESAMPLE_BITS,
      );
    }
    min[xx] = xmin;
    count[xx] = xmax;
  }
  return { taps, min, count, weights };
}
