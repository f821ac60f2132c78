/**
 * CPU reference of every op in ops.ts, written from Pillow's definitions (the oracle of the GPU tests, and
 * checked itself against real Pillow outputs in test/unit/augment-reference.test.ts). Blends reproduce
 * Pillow's float32 arithmetic (`(UINT8)(in1 + alpha·(in2 − in1))`); the GPU may fuse that multiply-add,
 * so `slack` marks the channels whose exact value lies within 1e-3 of an integer, where either side of the
 * truncation is right. The one deliberate difference from Pillow is AutoContrast: see autocontrastLut.
 */
import type { RgbaImage } from './image.ts';
import { type AugOp, affineFixed, RESAMPLE_BITS, resampleAxis } from './ops.ts';

export interface ReferenceResult {
  image: RgbaImage;
  /** Per byte: 1 where the GPU may differ by one level (a blend within 1e-3 of an integer). */
  slack: Uint8Array;
}

/** Pillow's RGB → L: (R·19595 + G·38470 + B·7471 + 2¹⁵) >> 16. */
export const luma = (r: number, g: number, b: number) => (r * 19595 + g * 38470 + b * 7471 + 0x8000) >>> 16;

export function applyReference(img: RgbaImage, op: AugOp): ReferenceResult {
  const { width: W, height: H, data } = img;
  const out = new Uint8Array(data.length);
  const slack = new Uint8Array(data.length);
  const result = { image: { width: W, height: H, data: out }, slack };
  switch (op.op) {
    case 'identity':
      out.set(data);
      return result;
    case 'hflip':
      for (let y = 0; y < H; y++)
        for (let x = 0; x < W; x++) copyPixel(data, (y * W + W - 1 - x) * 4, out, (y * W + x) * 4);
      return result;
    case 'affine':
      affine(img, op.matrix, out);
      return result;
    case 'resizedCrop':
      resizedCrop(img, op, out);
      return result;
    case 'posterize': {
      const mask = ~(2 ** (8 - op.bits) - 1) & 0xff;
      return mapChannels(img, out, slack, (v) => v & mask);
    }
    case 'solarize':
      return mapChannels(img, out, slack, (v) => (v < op.threshold ? v : 255 - v));
    case 'autocontrast':
      return lutPerChannel(img, out, slack, (h) => autocontrastLut(h, 'exact'));
    case 'equalize':
      return lutPerChannel(img, out, slack, equalizeLut);
    default: {
      const degenerate = degenerateOf(img, op.op);
      blend(degenerate, data, op.factor, out, slack);
      return result;
    }
  }
}

function copyPixel(src: Uint8Array, s: number, dst: Uint8Array, d: number) {
  dst[d] = src[s];
  dst[d + 1] = src[s + 1];
  dst[d + 2] = src[s + 2];
  dst[d + 3] = src[s + 3];
}

function affine(img: RgbaImage, matrix: readonly number[], out: Uint8Array) {
  const { width: W, height: H, data } = img;
  const [a0, a1, a2, a3, a4, a5] = affineFixed(matrix);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      // Exact in float64: |values| < 2^53. Pillow accumulates in int; same numbers without overflow here.
      const xin = Math.floor((a2 + x * a0 + y * a1) / 65536);
      const yin = Math.floor((a5 + x * a3 + y * a4) / 65536);
      if (xin >= 0 && xin < W && yin >= 0 && yin < H)
        copyPixel(data, (yin * W + xin) * 4, out, (y * W + x) * 4);
    }
  }
}

const clip8 = (v: number) => Math.min(255, Math.max(0, v));

function resizedCrop(
  img: RgbaImage,
  box: { top: number; left: number; height: number; width: number },
  out: Uint8Array,
) {
  out.set(resizeBox(img, box, img.width, img.height).data);
}

/**
 * Pillow `img.crop(box).resize((outW, outH), BILINEAR)`: a horizontal pass over every cropped row, rounded
 * to 8 bits (Pillow's intermediate image), then a vertical pass; fixed-point weights from resampleAxis.
 */
export function resizeBox(
  img: RgbaImage,
  box: { top: number; left: number; height: number; width: number },
  outW: number,
  outH: number,
): RgbaImage {
  const { width: W, data } = img;
  const hx = resampleAxis(box.width, outW);
  const vy = resampleAxis(box.height, outH);
  const half = 1 << (RESAMPLE_BITS - 1);
  const tmp = new Uint8Array(box.height * outW * 4);
  for (let r = 0; r < box.height; r++) {
    for (let x = 0; x < outW; x++) {
      for (let c = 0; c < 4; c++) {
        let s = half;
        for (let i = 0; i < hx.count[x]; i++) {
          const sx = box.left + hx.min[x] + i;
          s += data[((box.top + r) * W + sx) * 4 + c] * hx.weights[x * hx.taps + i];
        }
        tmp[(r * outW + x) * 4 + c] = clip8(s >> RESAMPLE_BITS);
      }
    }
  }
  const out = new Uint8Array(outW * outH * 4);
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      for (let c = 0; c < 4; c++) {
        let s = half;
        for (let j = 0; j < vy.count[y]; j++)
          s += tmp[((vy.min[y] + j) * outW + x) * 4 + c] * vy.weights[y * vy.taps + j];
        out[(y * outW + x) * 4 + c] = clip8(s >> RESAMPLE_BITS);
      }
    }
  }
  return { width: outW, height: outH, data: out };
}

function mapChannels(img: RgbaImage, out: Uint8Array, slack: Uint8Array, f: (v: number) => number) {
  const d = img.data;
  for (let i = 0; i < d.length; i++) out[i] = (i & 3) === 3 ? d[i] : f(d[i]);
  return { image: { ...img, data: out }, slack };
}

/** 256-bin histogram per colour channel (R, G, B). */
export function histograms(img: RgbaImage): Uint32Array[] {
  const h = [new Uint32Array(256), new Uint32Array(256), new Uint32Array(256)];
  const d = img.data;
  for (let i = 0; i < d.length; i += 4) {
    h[0][d[i]]++;
    h[1][d[i + 1]]++;
    h[2][d[i + 2]]++;
  }
  return h;
}

function lutPerChannel(
  img: RgbaImage,
  out: Uint8Array,
  slack: Uint8Array,
  makeLut: (hist: Uint32Array) => Uint8Array,
) {
  const luts = histograms(img).map(makeLut);
  const d = img.data;
  for (let i = 0; i < d.length; i++) out[i] = (i & 3) === 3 ? d[i] : luts[i & 3][d[i]];
  return { image: { ...img, data: out }, slack };
}

/**
 * `ImageOps.autocontrast` (cutoff 0): map [lo, hi] of the channel linearly onto [0, 255], truncating.
 * 'exact' is floor((v − lo)·255 / (hi − lo)) in integers (what the GPU computes). 'pil' is Pillow's float64
 * `int(v·scale + offset)`, which lands one level low for ~0.14 % of (lo, hi, v) triples whose exact value
 * is an integer (e.g. hi → 254 for lo = 0, hi = 25). That rounding artefact is the deliberate difference.
 */
export function autocontrastLut(hist: ArrayLike<number>, mode: 'exact' | 'pil'): Uint8Array {
  let lo = 0;
  while (lo < 256 && !hist[lo]) lo++;
  let hi = 255;
  while (hi >= 0 && !hist[hi]) hi--;
  const lut = new Uint8Array(256);
  for (let v = 0; v < 256; v++) {
    if (hi <= lo) lut[v] = v;
    else if (mode === 'exact') lut[v] = clip8(Math.floor(((v - lo) * 255) / (hi - lo)));
    else {
      const scale = 255 / (hi - lo);
      lut[v] = clip8(Math.trunc(v * scale + -lo * scale));
    }
  }
  return lut;
}

/** `ImageOps.equalize`: Pillow's integer recipe (step from all but the top bin, half-step offset). */
export function equalizeLut(hist: ArrayLike<number>): Uint8Array {
  const lut = new Uint8Array(256);
  let total = 0;
  let last = 0;
  let used = 0;
  for (let i = 0; i < 256; i++) {
    if (hist[i]) {
      total += hist[i];
      last = hist[i];
      used++;
    }
  }
  const step = Math.floor((total - last) / 256);
  if (used <= 1 || step === 0) {
    for (let i = 0; i < 256; i++) lut[i] = i;
    return lut;
  }
  let n = Math.floor(step / 2);
  for (let i = 0; i < 256; i++) {
    lut[i] = Math.min(255, Math.floor(n / step)); // Image.point clips the 256 the top bin can reach
    n += hist[i];
  }
  return lut;
}

/** The image each ImageEnhance op blends away from (RGBA; alpha unused). */
function degenerateOf(img: RgbaImage, op: 'brightness' | 'color' | 'contrast' | 'sharpness'): Uint8Array {
  const { width: W, height: H, data: d } = img;
  const g = new Uint8Array(d.length);
  if (op === 'brightness') return g; // black
  if (op === 'color' || op === 'contrast') {
    let sum = 0;
    for (let i = 0; i < d.length; i += 4) {
      const l = luma(d[i], d[i + 1], d[i + 2]);
      g[i] = g[i + 1] = g[i + 2] = l;
      sum += l;
    }
    if (op === 'color') return g;
    const px = W * H;
    const mean = Math.floor((2 * sum + px) / (2 * px)); // int(mean + 0.5), in integers
    return g.fill(mean);
  }
  // sharpness: ImageFilter.SMOOTH, 3×3 [1 1 1; 1 5 1; 1 1 1] / 13 in float32, rounded; borders copied.
  g.set(d);
  if (W < 3 || H < 3) return g;
  const w1 = Math.fround(1 / 13);
  const w5 = Math.fround(5 / 13);
  for (let y = 1; y < H - 1; y++) {
    for (let x = 1; x < W - 1; x++) {
      for (let c = 0; c < 3; c++) {
        let s = 0;
        for (let dy = -1; dy <= 1; dy++)
          for (let dx = -1; dx <= 1; dx++)
            s += d[((y + dy) * W + x + dx) * 4 + c] * (dx === 0 && dy === 0 ? w5 : w1);
        g[(y * W + x) * 4 + c] = clip8(Math.floor(s + 0.5));
      }
    }
  }
  return g;
}

/** `Image.blend(degenerate, img, factor)` per colour channel, as Pillow's float32 C loop; alpha kept. */
function blend(deg: Uint8Array, img: Uint8Array, factor: number, out: Uint8Array, slack: Uint8Array) {
  const a = Math.fround(factor);
  for (let i = 0; i < img.length; i++) {
    if ((i & 3) === 3) {
      out[i] = img[i];
      continue;
    }
    const v = Math.fround(deg[i] + Math.fround(a * (img[i] - deg[i])));
    out[i] = clip8(Math.trunc(v));
    const exact = deg[i] + a * (img[i] - deg[i]);
    if (Math.abs(exact - Math.round(exact)) < 1e-3 && exact > 0.5 && exact < 254.5) slack[i] = 1;
  }
}
