/**
 * Every augmentation op on the GPU against the CPU reference of Pillow's definition (src/stages/augment/
 * reference.ts, itself checked byte for byte against Pillow in test/unit/augment-reference.test.ts):
 * fresh random images each run (noise, smooth, low-contrast, constant), odd sizes, random arguments per
 * image, output poisoned before the run. Tolerance: exact, except a blend whose exact value lies within
 * 1e-3 of an integer may truncate to either side (±1 level; counted in the log).
 */
import { Rng } from '../../../src/core/rng.ts';
import type { Gpu } from '../../../src/gpu/device.ts';
import { Augmenter } from '../../../src/stages/augment/augmenter.ts';
import { batchImage, type ImageBatch, packBatch, type RgbaImage } from '../../../src/stages/augment/image.ts';
import { type AugOp, rotate, shearX, shearY, translate } from '../../../src/stages/augment/ops.ts';
import { sampleResizedCrop } from '../../../src/stages/augment/pipelines.ts';
import { applyReference } from '../../../src/stages/augment/reference.ts';
import { AssertionError, freshSeed, type GpuCase } from '../harness.ts';

export const SIZES: [number, number][] = [
  [28, 28],
  [17, 23],
  [40, 9],
  [2, 5],
];

/** A random image of one of several kinds, so histogram ops meet flat, narrow and single-level inputs. */
export function randomImage(rng: Rng, width: number, height: number): RgbaImage {
  const kind = rng.int(5);
  const data = new Uint8Array(width * height * 4);
  const lo = rng.int(200);
  const span = 1 + rng.int(256 - lo);
  const level = rng.int(256);
  const [gx, gy] = [rng.next() * 9, rng.next() * 9];
  for (let i = 0; i < width * height; i++) {
    const x = i % width;
    const y = Math.floor(i / width);
    for (let c = 0; c < 4; c++) {
      let v: number;
      if (c === 3) v = kind === 4 ? rng.int(256) : 255;
      else if (kind === 0) v = rng.int(256);
      else if (kind === 1) v = Math.min(255, Math.floor(gx * x + gy * y + 20 * c) % 256);
      else if (kind === 2) v = lo + rng.int(Math.min(span, 12));
      else if (kind === 3) v = level;
      else v = lo + rng.int(span);
      data[i * 4 + c] = v;
    }
  }
  return { width, height, data };
}

/** Run one op per image on the GPU with the output poisoned (0xDEADBEEF) first. */
export async function runOps(gpu: Gpu, aug: Augmenter, batch: ImageBatch, ops: AugOp[]): Promise<ImageBatch> {
  const bytes = batch.pixels.byteLength;
  const src = gpu.upload(batch.pixels);
  const dst = gpu.pool.acquire(bytes);
  gpu.device.queue.writeBuffer(dst, 0, new Uint32Array(bytes / 4).fill(0xdeadbeef));
  const enc = gpu.device.createCommandEncoder();
  const temps = aug.encodeStep(enc, src, dst, ops, batch.width, batch.height);
  gpu.device.queue.submit([enc.finish()]);
  const pixels = new Uint32Array(await gpu.read(dst, bytes));
  for (const b of [src, dst, ...temps]) gpu.pool.release(b);
  return { ...batch, pixels };
}

/** Compare GPU images with the reference; returns the number of ±1 differences the slack allowed. */
export function compareWithReference(
  what: string,
  inputs: RgbaImage[],
  ops: AugOp[],
  got: ImageBatch,
): number {
  let slackUsed = 0;
  inputs.forEach((img, n) => {
    const ref = applyReference(img, ops[n]);
    const out = batchImage(got, n).data;
    for (let i = 0; i < out.length; i++) {
      const d = Math.abs(out[i] - ref.image.data[i]);
      if (d === 0) continue;
      if (d === 1 && ref.slack[i]) {
        slackUsed++;
        continue;
      }
      const p = i >> 2;
      throw new AssertionError(
        `${what}: image ${n} (${img.width}×${img.height}) op ${JSON.stringify(ops[n])}: pixel (${p % img.width}, ${Math.floor(p / img.width)}) channel ${i & 3}: GPU ${out[i]}, reference ${ref.image.data[i]}`,
      );
    }
  });
  return slackUsed;
}

type OpSampler = (rng: Rng, width: number, height: number) => AugOp;

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[rng.int(xs.length)];
const signed = (rng: Rng, max: number) => (rng.next() * 2 - 1) * max;

const FAMILIES: Record<string, OpSampler> = {
  'geometry (hflip, shear, translate, rotate; Pillow nearest in 16.16 fixed point)': (rng, w, h) =>
    pick(rng, [
      (): AugOp => ({ op: 'hflip' }),
      () => shearX(signed(rng, 0.3)),
      () => shearY(signed(rng, 0.3)),
      () => translate(signed(rng, 0.45 * w), signed(rng, 0.45 * h), w, h),
      () => rotate(signed(rng, 180), w, h),
      () => rotate(pick(rng, [9, -9, 15, 90]), w, h),
    ])(),
  'enhance blends (brightness, color, contrast, sharpness)': (rng) => ({
    op: pick(rng, ['brightness', 'color', 'contrast', 'sharpness'] as const),
    factor: pick(rng, [rng.next() * 2, 1.27, 0.73, 0, 1]),
  }),
  'posterize and solarize': (rng) =>
    rng.int(2) ? { op: 'posterize', bits: rng.int(9) } : { op: 'solarize', threshold: rng.next() * 256 },
  'autocontrast and equalize (per-channel histograms in workgroup memory)': (rng) =>
    rng.int(2) ? { op: 'autocontrast' } : { op: 'equalize' },
  'resized crop (Pillow bilinear, 8-bit fixed point, two passes)': (rng, w, h) => {
    const r = rng.int(4);
    if (r === 0) return { op: 'resizedCrop', top: 0, left: 0, height: h, width: w };
    if (r === 1) return { op: 'resizedCrop', top: rng.int(h), left: rng.int(w), height: 1, width: 1 };
    return { op: 'resizedCrop', ...sampleResizedCrop(rng, w, h, [0.08, 1], [3 / 4, 4 / 3]) };
  },
  'identity copies every pixel': () => ({ op: 'identity' }),
};

export const augmentCases: GpuCase[] = Object.entries(FAMILIES).map(([family, sample]) => ({
  name: `augment: ${family} matches the Pillow reference`,
  async run(gpu, log) {
    const seed = freshSeed();
    const rng = new Rng(seed);
    const aug = await Augmenter.create(gpu);
    let slack = 0;
    let images = 0;
    for (const [w, h] of SIZES) {
      const B = 6 + rng.int(6);
      const inputs = Array.from({ length: B }, () => randomImage(rng, w, h));
      const ops = inputs.map(() => sample(rng, w, h));
      const got = await runOps(gpu, aug, packBatch(inputs), ops);
      slack += compareWithReference(`seed ${seed}`, inputs, ops, got);
      images += B;
    }
    log(`seed ${seed}: ${images} images exact${slack ? `, ${slack} bytes ±1 at blend ties` : ''}`);
  },
}));
