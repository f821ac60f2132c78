/** The measurements the checks compare: PSNR of 8-bit images, cosine similarity, word search. */
import type { RgbImage } from '../../stages/image/resample.ts';

/** Peak signal-to-noise ratio over R, G, B of two same-size 8-bit images, in dB (99 when identical). */
export function psnr(a: RgbImage, b: RgbImage): number {
  if (a.width !== b.width || a.height !== b.height) {
    throw new Error(`psnr: ${a.width}×${a.height} vs ${b.width}×${b.height}`);
  }
  const n = a.width * a.height;
  let se = 0;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) {
      const d = a.data[i * a.channels + c] - b.data[i * b.channels + c];
      se += d * d;
    }
  }
  const mse = se / (3 * n);
  return mse === 0 ? 99 : 10 * Math.log10((255 * 255) / mse);
}

/** Cosine similarity of rows i and j of a [n × dim] matrix. */
export function cosine(m: Float32Array, dim: number, i: number, j: number): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let k = 0; k < dim; k++) {
    const x = m[i * dim + k];
    const y = m[j * dim + k];
    ab += x * y;
    aa += x * x;
    bb += y * y;
  }
  return ab / Math.max(Math.sqrt(aa * bb), 1e-12);
}

/** Whether a text names one of the words (whole words, any case). */
export function namesAny(text: string, words: readonly string[]): boolean {
  const seen = new Set(text.toLowerCase().match(/[a-z]+/g) ?? []);
  return words.some((w) => seen.has(w));
}

/** The image mirrored left to right. */
export function flipX(img: RgbImage): RgbImage {
  const { width: w, height: h, channels: ch } = img;
  const out = new Uint8Array(w * h * ch);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const s = (y * w + x) * ch;
      out.set(img.data.subarray(s, s + ch), (y * w + (w - 1 - x)) * ch);
    }
  }
  return { width: w, height: h, channels: ch, data: out };
}
