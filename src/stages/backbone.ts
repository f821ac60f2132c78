/**
 * Frozen backbone features φ(x) (ALGORITHM.md §6): exact preprocessing, batched runs, and one pooled
 * vector per image whichever export layout the manifest names — [B, D, h, w] feature maps are
 * averaged over h·w (Hugging Face base model), [B, D, 1, 1] or [B, D] are already pooled (torchvision).
 */
import { BadDatasetError } from '../core/errors.ts';
import type { ProgressFn } from '../core/progress.ts';
import type { BackboneSettings } from '../models/manifest.ts';
import type { SessionLike } from '../ort/session.ts';
import type { TensorData } from '../ort/types.ts';
import { outputSize, preprocess } from './image/preprocess.ts';
import type { RgbImage } from './image/resample.ts';

/** Average each [h·w] block of a [B, D, h, w] (or [B, D]) output: → [B × D]. */
export function poolFeatures(t: TensorData, dim: number): Float32Array {
  const [B, D] = t.dims;
  if (t.type !== 'float32' || D !== dim || t.dims.length < 2) {
    throw new Error(`backbone output is ${t.type}[${t.dims}], expected float32[B, ${dim}, …]`);
  }
  const hw = t.dims.slice(2).reduce((a, b) => a * b, 1);
  const src = t.data as Float32Array;
  if (hw === 1) return src.slice(0, B * D);
  const out = new Float32Array(B * D);
  for (let i = 0; i < B * D; i++) {
    let s = 0;
    for (let j = 0; j < hw; j++) s += src[i * hw + j];
    out[i] = s / hw;
  }
  return out;
}

export interface FeatureOptions {
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: ProgressFn;
}

export class Backbone {
  constructor(
    private readonly session: SessionLike,
    readonly settings: BackboneSettings,
  ) {}

  get dim(): number {
    return this.settings.dim;
  }

  /** The NCHW batch the graph gets for these images (exposed for tests and debugging). */
  pixels(images: readonly RgbImage[]): TensorData<'float32'> {
    const p = this.settings.preprocess;
    const [h, w] = outputSize(p, images[0]);
    const per = 3 * h * w;
    const data = new Float32Array(images.length * per);
    images.forEach((img, i) => {
      if (outputSize(p, img).join() !== [h, w].join()) {
        throw new BadDatasetError(`image ${i}`, 'gives a different tensor size; set a crop in the manifest');
      }
      preprocess(img, p, data.subarray(i * per, (i + 1) * per));
    });
    return { type: 'float32', data, dims: [images.length, 3, h, w] };
  }

  /** φ(x) for every image, back to back: [images.length × dim]. */
  async features(images: readonly RgbImage[], o: FeatureOptions = {}): Promise<Float32Array> {
    const { dim, input, output } = this.settings;
    const batch = Math.max(1, o.batchSize ?? 8);
    const out = new Float32Array(images.length * dim);
    for (let start = 0; start < images.length; start += batch) {
      o.signal?.throwIfAborted();
      const px = this.pixels(images.slice(start, start + batch));
      const res = await this.session.run({ [input]: px }, { fetches: [output], signal: o.signal });
      out.set(poolFeatures(res[output] as TensorData, dim), start * dim);
      const done = Math.min(start + batch, images.length);
      o.onProgress?.({ type: 'stage', stage: 'features', done, total: images.length, unit: 'images' });
    }
    return out;
  }
}
