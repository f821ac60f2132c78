/**
 * Views of real images for a run's conventional sources (ALGORITHM §6, 'simple', 'randaugment', …):
 * each image is put on its view frame (view-frame.ts), its view's ops are sampled on the CPU from
 * viewRng(seed, source, image hash, k), and one GPU submit applies a whole batch's ops. The result is
 * RGBA (alpha ignored downstream), the same for a view whatever batch it was rendered in.
 */
import type { ImagePreprocess } from '../../models/manifest.ts';
import type { RgbImage } from '../image/resample.ts';
import type { Augmenter } from './augmenter.ts';
import { batchImage, packBatch, rgbToRgba } from './image.ts';
import { sampleView, toSteps, viewPipeline } from './pipelines.ts';
import { viewFrame } from './view-frame.ts';
import { viewRng } from './view-rng.ts';

export interface ViewRequest {
  image: RgbImage;
  /** The view pipeline's name (a key of VIEW_PIPELINES). */
  source: string;
  /** The image's content hash: views follow the image, not its place in a dataset. */
  hash: string;
  k: number;
  seed: number;
}

export async function renderViews(
  aug: Augmenter,
  views: readonly ViewRequest[],
  p: ImagePreprocess,
): Promise<RgbImage[]> {
  if (views.length === 0) return [];
  const framed = views.map((v) => {
    const f = viewFrame(v.image, p);
    return rgbToRgba(f.data instanceof Uint8Array ? f.data : new Uint8Array(f.data), f.width, f.height);
  });
  const { width, height } = framed[0];
  const ops = views.map((v) =>
    sampleView(viewPipeline(v.source), viewRng(v.seed, v.source, v.hash, v.k), width, height),
  );
  const out = await aug.apply(packBatch(framed), toSteps(ops));
  // copies: a view outlives the batch's buffer
  return views.map((_, i) => {
    const im = batchImage(out, i);
    return { width: im.width, height: im.height, channels: 4 as const, data: im.data.slice() };
  });
}
