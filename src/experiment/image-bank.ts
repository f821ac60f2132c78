/**
 * Conventional sources → a feature bank (ALGORITHM §6): for each source, K candidates per image. Source
 * 'identity' is the image itself (K equal copies); any other source names a view pipeline (pipelines.ts)
 * whose K views are sampled per (source, sample, candidate) from the seed — independent of batching — and
 * augmented on the GPU. With no backbone, the feature of a view is its pixels (grey or RGB / 255).
 * Test samples are evaluated on source 0 only, so their other candidates are identity copies.
 */
import type { StageProgress } from '../core/progress.ts';
import type { Augmenter } from '../stages/augment/augmenter.ts';
import type { FeatureMode } from '../stages/augment/features.wgsl.ts';
import type { AugOp } from '../stages/augment/ops.ts';
import { sampleView, toSteps, viewPipeline } from '../stages/augment/pipelines.ts';
import { viewRng } from '../stages/augment/view-rng.ts';
import { type BankSplit, type FeatureBank, featureOffset } from '../train/bank.ts';

export interface LabelledImages {
  classes: string[];
  width: number;
  height: number;
  /** Packed RGBA (one u32 per pixel), [count][width × height]. */
  pixels: Uint32Array;
  labels: Int32Array;
}

export interface ImageBankOptions {
  /** 'identity' first, then view pipeline names (e.g. 'simple', 'randaugment'). */
  sources: readonly string[];
  /** Candidates (views) per source and sample: K. */
  views: number;
  seed: number;
  mode: FeatureMode;
  /** Views per GPU submit (default 4096). */
  batch?: number;
  onProgress?: (p: StageProgress) => void;
}

export async function buildImageBank(
  aug: Augmenter,
  images: LabelledImages,
  split: BankSplit,
  opts: ImageBankOptions,
): Promise<FeatureBank> {
  const { sources, views: K, seed, mode } = opts;
  if (sources[0] !== 'identity') throw new RangeError(`source 0 must be 'identity', got '${sources[0]}'`);
  const pipelines = sources.map((s) => (s === 'identity' ? undefined : viewPipeline(s)));
  const { width, height, labels } = images;
  const N = labels.length;
  const npx = width * height;
  const D = mode === 'grey' ? npx : 3 * npx;
  const S = sources.length;
  const dims = { S, K, D };
  const features = new Float32Array(N * S * K * D);
  const batch = opts.batch ?? 4096;
  const trainPool = [...split.train, ...split.valid].sort((a, b) => a - b);
  const jobs = pipelines.filter(Boolean).length * trainPool.length * K;
  const total = N + jobs;
  let done = 0;
  const report = () => opts.onProgress?.({ type: 'stage', stage: 'features', done, total, unit: 'images' });
  report();

  // Identity: every sample once, copied into every candidate of every source (views overwrite theirs).
  for (let start = 0; start < N; start += batch) {
    const ids = Array.from({ length: Math.min(batch, N - start) }, (_, i) => start + i);
    const f = await aug.features(gather(images, ids), [], mode);
    ids.forEach((n, j) => {
      const row = f.subarray(j * D, (j + 1) * D);
      for (let s = 0; s < S; s++) for (let k = 0; k < K; k++) features.set(row, featureOffset(dims, n, s, k));
    });
    done += ids.length;
    report();
  }

  for (let s = 1; s < S; s++) {
    const pipeline = pipelines[s];
    if (!pipeline) continue;
    const all = trainPool.flatMap((n) => Array.from({ length: K }, (_, k) => [n, k] as const));
    for (let start = 0; start < all.length; start += batch) {
      const part = all.slice(start, start + batch);
      const ops: AugOp[][] = part.map(([n, k]) =>
        sampleView(pipeline, viewRng(seed, sources[s], n, k), width, height),
      );
      const f = await aug.features(
        gather(
          images,
          part.map(([n]) => n),
        ),
        toSteps(ops),
        mode,
      );
      part.forEach(([n, k], j) => {
        features.set(f.subarray(j * D, (j + 1) * D), featureOffset(dims, n, s, k));
      });
      done += part.length;
      report();
    }
  }
  return {
    classes: [...images.classes],
    sources: [...sources],
    N,
    S,
    K,
    D,
    features,
    labels: Int32Array.from(labels),
    split,
  };
}

/** A batch of the given images (copies their pixels). */
function gather(images: LabelledImages, ids: readonly number[]) {
  const npx = images.width * images.height;
  const pixels = new Uint32Array(ids.length * npx);
  ids.forEach((n, j) => {
    pixels.set(images.pixels.subarray(n * npx, (n + 1) * npx), j * npx);
  });
  return { width: images.width, height: images.height, count: ids.length, pixels };
}
