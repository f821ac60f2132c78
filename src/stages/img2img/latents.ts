/**
 * Latent-space helpers of the img2img loop: seeded Gaussian noise, the VAE encoder's two output
 * layouts, classifier-free guidance, and image ↔ [-1, 1] CHW tensors.
 */
import type { Rng } from '../../core/rng.ts';
import type { RgbImage } from '../image/resample.ts';
import { toRgb } from '../image/resample.ts';

/** n standard normal draws from `rng` (Box–Muller, one per call), in order. */
export function gaussian(rng: Rng, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.normal();
  return out;
}

/**
 * Latent from the VAE encoder output: `latent_sample` is already a sample (used as it is);
 * `latent_parameters` [B, 2C, h, w] = mean ‖ logvar: mean, or mean + exp(½·clamp(logvar, −30, 20))·z
 * (diffusers DiagonalGaussianDistribution).
 */
export function latentFromParameters(
  params: Float32Array,
  dims: readonly number[],
  mode: 'sample' | 'mean',
  z: () => Float32Array,
): { data: Float32Array; dims: number[] } {
  const [B, C2, h, w] = dims;
  const C = C2 / 2;
  const plane = C * h * w;
  const out = new Float32Array(B * plane);
  const noise = mode === 'sample' ? z() : undefined;
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < plane; i++) {
      const mean = params[b * 2 * plane + i];
      const logvar = Math.min(20, Math.max(-30, params[b * 2 * plane + plane + i]));
      out[b * plane + i] = noise ? mean + Math.exp(0.5 * logvar) * noise[b * plane + i] : mean;
    }
  }
  return { data: out, dims: [B, C, h, w] };
}

/** ε = ε_u + g·(ε_c − ε_u), from the UNet's [uncond, cond] batch. */
export function guide(both: Float32Array, g: number): Float32Array {
  const n = both.length / 2;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = both[i] + g * (both[n + i] - both[i]);
  return out;
}

/** Two copies back to back (the UNet's batch of 2 under guidance). */
export function twice(x: Float32Array): Float32Array {
  const out = new Float32Array(2 * x.length);
  out.set(x);
  out.set(x, x.length);
  return out;
}

/** RGB 8-bit → CHW float32 in [-1, 1] (v/127.5 − 1). */
export function toSigned(img: RgbImage): Float32Array {
  const rgb = toRgb(img);
  const n = rgb.width * rgb.height;
  const t = new Float32Array(3 * n);
  for (let c = 0; c < 3; c++) for (let i = 0; i < n; i++) t[c * n + i] = rgb.data[i * 3 + c] / 127.5 - 1;
  return t;
}

/** CHW [-1, 1] → RGB 8-bit: clip(x/2 + 0.5, 0, 1)·255, rounded (diffusers' numpy_to_pil). */
export function fromSigned(t: Float32Array, width: number, height: number): RgbImage {
  const n = width * height;
  const data = new Uint8Array(3 * n);
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < n; i++) {
      const v = Math.min(1, Math.max(0, t[c * n + i] / 2 + 0.5));
      data[i * 3 + c] = Math.round(v * 255);
    }
  }
  return { width, height, channels: 3, data };
}
