/**
 * Image resizing that reproduces Pillow's `Image.resize` (Resample.c) bit for bit on 8-bit RGB:
 * separable convolution with an antialiasing support scaled by the downscale factor, coefficients
 * in 22-bit fixed point, horizontal pass first with an 8-bit intermediate, then vertical. The
 * Hugging Face and torchvision preprocessors the models were trained with call exactly this, so
 * features match the reference pipeline instead of a browser canvas's own scaler.
 */

/** Pixels in row-major order, 3 (RGB) or 4 (RGBA, alpha ignored) bytes each. */
export interface RgbImage {
  width: number;
  height: number;
  channels: 3 | 4;
  data: Uint8Array | Uint8ClampedArray;
}

export type ResampleFilter = 'bicubic' | 'bilinear' | 'lanczos';

const PRECISION_BITS = 32 - 8 - 2;
const ONE = 2 ** PRECISION_BITS;

const FILTERS: Record<ResampleFilter, { support: number; fn: (x: number) => number }> = {
  bicubic: {
    support: 2,
    fn: (x) => {
      const a = -0.5;
      const t = Math.abs(x);
      if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
      if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
      return 0;
    },
  },
  bilinear: { support: 1, fn: (x) => Math.max(0, 1 - Math.abs(x)) },
  lanczos: { support: 3, fn: (x) => (-3 <= x && x < 3 ? sinc(x) * sinc(x / 3) : 0) },
};

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = x * Math.PI;
  return Math.sin(px) / px;
}

interface Coeffs {
  ksize: number;
  /** Per output pixel: first input index and count. */
  bounds: Int32Array;
  /** Fixed-point weights, ksize per output pixel. */
  kk: Int32Array;
}

function coefficients(inSize: number, outSize: number, filter: ResampleFilter): Coeffs {
  const { support: base, fn } = FILTERS[filter];
  const scale = inSize / outSize;
  const filterscale = Math.max(scale, 1);
  const support = base * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const kk = new Int32Array(outSize * ksize);
  const w = new Float64Array(ksize);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const ss = 1 / filterscale;
    const xmin = Math.max(0, Math.trunc(center - support + 0.5));
    const xmax = Math.min(inSize, Math.trunc(center + support + 0.5)) - xmin;
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      w[x] = fn((x + xmin - center + 0.5) * ss);
      ww += w[x];
    }
    for (let x = 0; x < xmax; x++) {
      const k = ww !== 0 ? w[x] / ww : w[x];
      kk[xx * ksize + x] = k < 0 ? Math.trunc(-0.5 + k * ONE) : Math.trunc(0.5 + k * ONE);
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = xmax;
  }
  return { ksize, bounds, kk };
}

const clip8 = (v: number) => (v <= 0 ? 0 : v >= 256 * ONE ? 255 : Math.floor(v / ONE));

/** Resize to outW×outH; the result is RGB (3 bytes per pixel). */
export function resample(img: RgbImage, outW: number, outH: number, filter: ResampleFilter): RgbImage {
  const c = img.channels;
  let src: RgbImage = img;
  if (outW !== img.width) {
    const h = coefficients(img.width, outW, filter);
    const out = new Uint8Array(outW * img.height * 3);
    for (let y = 0; y < img.height; y++) {
      const row = y * img.width * c;
      for (let xx = 0; xx < outW; xx++) {
        const xmin = h.bounds[xx * 2];
        const n = h.bounds[xx * 2 + 1];
        const k = xx * h.ksize;
        let s0 = ONE / 2;
        let s1 = ONE / 2;
        let s2 = ONE / 2;
        for (let x = 0; x < n; x++) {
          const p = row + (xmin + x) * c;
          const wk = h.kk[k + x];
          s0 += img.data[p] * wk;
          s1 += img.data[p + 1] * wk;
          s2 += img.data[p + 2] * wk;
        }
        const o = (y * outW + xx) * 3;
        out[o] = clip8(s0);
        out[o + 1] = clip8(s1);
        out[o + 2] = clip8(s2);
      }
    }
    src = { width: outW, height: img.height, channels: 3, data: out };
  }
  if (outH === src.height) return src.channels === 3 ? src : toRgb(src);
  const v = coefficients(src.height, outH, filter);
  const sc = src.channels;
  const out = new Uint8Array(outW * outH * 3);
  for (let yy = 0; yy < outH; yy++) {
    const ymin = v.bounds[yy * 2];
    const n = v.bounds[yy * 2 + 1];
    const k = yy * v.ksize;
    for (let xx = 0; xx < outW; xx++) {
      let s0 = ONE / 2;
      let s1 = ONE / 2;
      let s2 = ONE / 2;
      for (let y = 0; y < n; y++) {
        const p = ((ymin + y) * outW + xx) * sc;
        const wk = v.kk[k + y];
        s0 += src.data[p] * wk;
        s1 += src.data[p + 1] * wk;
        s2 += src.data[p + 2] * wk;
      }
      const o = (yy * outW + xx) * 3;
      out[o] = clip8(s0);
      out[o + 1] = clip8(s1);
      out[o + 2] = clip8(s2);
    }
  }
  return { width: outW, height: outH, channels: 3, data: out };
}

export function toRgb(img: RgbImage): RgbImage {
  if (img.channels === 3) return img;
  const n = img.width * img.height;
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    out[i * 3] = img.data[i * 4];
    out[i * 3 + 1] = img.data[i * 4 + 1];
    out[i * 3 + 2] = img.data[i * 4 + 2];
  }
  return { width: img.width, height: img.height, channels: 3, data: out };
}
