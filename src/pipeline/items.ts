/**
 * The cached items of the model stages, one function per item kind. Each key names everything that
 * decides the item, so a changed model, prompt, seed or strength is a new item and nothing else is.
 */

import { BadDatasetError } from '../core/errors.ts';
import { viewPipeline } from '../stages/augment/pipelines.ts';
import type { RgbImage } from '../stages/image/resample.ts';
import type { Collection } from '../storage/schema.ts';
import type { JsonValue, Store } from '../storage/store.ts';
import { checkCancelled } from './cancel.ts';
import type { ImageDecoder } from './import/decoder.ts';
import { readHeader } from './import/header.ts';
import { itemKey } from './keys.ts';
import { bytesF32, f32Bytes, keep, lookup, type MemoContext, memo } from './memo.ts';
import { type BatchOptions, memoBatch } from './memo-batch.ts';
import { encodePng } from './png.ts';
import type { CandidateJob } from './prompts.ts';
import type { CaptionRequest, GenerateRequest, PipelineStages } from './stages.ts';

export interface GenerationSettings {
  strength: number;
  steps: number;
  guidance: number;
}

export async function decodeImage(decoder: ImageDecoder, bytes: Uint8Array, what: string): Promise<RgbImage> {
  const h = readHeader(bytes);
  if ('reason' in h) throw new BadDatasetError(what, h.reason);
  return decoder.decode(bytes, h);
}

export const captionKey = (st: PipelineStages, hash: string, className: string) =>
  itemKey('caption', {
    model: st.ids.captioner,
    image: hash,
    class: className,
    options: st.captionOptions ?? null,
  });

export async function captionItem(
  ctx: MemoContext,
  st: PipelineStages,
  hash: string,
  className: string,
  image: () => Promise<RgbImage>,
): Promise<string> {
  return (await captionItems(ctx, st, [{ hash, className, image }], { batch: 1 }))[0];
}

export interface CaptionJob {
  hash: string;
  className: string;
  image: () => Promise<RgbImage>;
}

/**
 * Captions of many images, in order: stored ones are read, the rest go to the captioner `batch` at a
 * time (captionBatch where the stages have it) and are stored as each batch finishes.
 */
export async function captionItems(
  ctx: MemoContext,
  st: PipelineStages,
  jobs: readonly CaptionJob[],
  o: BatchOptions,
): Promise<string[]> {
  const got = await memoBatch(
    ctx,
    'caption',
    'captions',
    jobs,
    {
      key: (j) => captionKey(st, j.hash, j.className),
      compute: async (js) => {
        const items: CaptionRequest[] = [];
        for (const j of js) items.push({ image: await j.image(), className: j.className });
        const texts = st.captionBatch
          ? await st.captionBatch(items)
          : await sequential(items, (it) => st.caption(it.image, it.className));
        return texts.map((caption) => ({ meta: { caption, source: st.ids.captioner } }));
      },
    },
    o,
  );
  return got.map((g) => String(g.item.meta.caption));
}

/**
 * The stored captions of these jobs, computing none (a shard reads the captions other shards made);
 * undefined where a caption is not in the store yet.
 */
export async function storedCaptions(
  ctx: MemoContext,
  st: PipelineStages,
  jobs: readonly Pick<CaptionJob, 'hash' | 'className'>[],
): Promise<(string | undefined)[]> {
  const out: (string | undefined)[] = [];
  for (const j of jobs) {
    const hit = await lookup(ctx, 'caption', 'captions', await captionKey(st, j.hash, j.className));
    out.push(hit && String(hit.meta.caption));
  }
  return out;
}

/** One call per item, in order: the fallback for stages without a batched form. */
async function sequential<T, R>(xs: readonly T[], f: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (const x of xs) out.push(await f(x));
  return out;
}

export async function classEmbedding(
  ctx: MemoContext,
  st: PipelineStages,
  name: string,
): Promise<Float32Array> {
  const key = await itemKey('embed', { model: st.ids.embedder, name });
  const it = await memo(ctx, 'neighbours', 'classEmbeddings', key, async () => {
    const { vectors, dim } = await st.embed([name]);
    return { meta: { name, dim }, data: f32Bytes(vectors) };
  });
  return bytesF32(it.data ?? new Uint8Array());
}

/** A stored candidate: its PNG stays in the store (candidatePng), so a run never holds them all. */
export interface Candidate {
  key: string;
  job: CandidateJob;
}

/** A candidate's PNG bytes, read from the store. */
export async function candidatePng(store: Store<Collection>, key: string): Promise<Uint8Array> {
  const png = await store.data('candidates', key);
  if (!png) throw new BadDatasetError(`candidate ${key}`, 'is missing from the store');
  return png;
}

export interface CandidateItemJob {
  job: CandidateJob;
  parentHash: string;
  className: string;
  image: () => Promise<RgbImage>;
}

export const candidateKey = (st: PipelineStages, c: CandidateItemJob, g: GenerationSettings) =>
  itemKey('candidate', {
    model: st.ids.img2img,
    image: c.parentHash,
    prompt: c.job.prompt,
    seed: c.job.seed,
    strength: g.strength,
    steps: g.steps,
    guidance: g.guidance,
  });

export async function candidateItem(
  ctx: MemoContext,
  st: PipelineStages,
  job: CandidateJob,
  parentHash: string,
  className: string,
  g: GenerationSettings,
  image: () => Promise<RgbImage>,
): Promise<Candidate> {
  return (await candidateItems(ctx, st, [{ job, parentHash, className, image }], g, { batch: 1 }))[0];
}

/**
 * Candidates of many jobs, in order: stored ones are read, the rest go through img2img `batch` at a
 * time (generateBatch where the stages have it; each keeps its own prompt and seed, so its image is
 * the one it gets alone) and are stored as each batch finishes.
 */
export async function candidateItems(
  ctx: MemoContext,
  st: PipelineStages,
  jobs: readonly CandidateItemJob[],
  g: GenerationSettings,
  o: BatchOptions,
): Promise<Candidate[]> {
  const settings = { strength: g.strength, steps: g.steps, guidance: g.guidance };
  const got = await memoBatch(
    ctx,
    'candidates',
    'candidates',
    jobs,
    {
      key: (c) => candidateKey(st, c, settings),
      compute: async (cs) => {
        const items: { image: RgbImage; request: GenerateRequest }[] = [];
        for (const c of cs) {
          items.push({
            image: await c.image(),
            request: { prompt: c.job.prompt, seed: c.job.seed, ...settings },
          });
        }
        const images = st.generateBatch
          ? await st.generateBatch(items)
          : await sequential(items, (it) => st.generate(it.image, it.request));
        return images.map((out, b) => {
          const { job, className, parentHash } = cs[b];
          const meta = {
            source: job.source,
            class: className,
            prompt: job.prompt,
            seed: job.seed,
            ...settings,
            parent: parentHash,
          };
          return { meta, data: encodePng(out) };
        });
      },
      dropBytes: true,
    },
    o,
  );
  return got.map((x, i) => ({ key: x.key, job: jobs[i].job }));
}

/**
 * A feature's key: the backbone and the image's identity (content hash or candidate key); for a view,
 * also its source, its pipeline's steps, its index k and the data seed (so the same image in another
 * profile or split finds it; the view size follows from the backbone).
 */
export const featureKey = (st: PipelineStages, id: string, view?: FeatureView) =>
  itemKey('feature', {
    model: st.ids.backbone,
    image: id,
    ...(view && {
      view: { ...view, pipeline: JSON.parse(JSON.stringify(viewPipeline(view.source))) as JsonValue },
    }),
  });

/** View k of an image under a view source, drawn from the data seed. */
export interface FeatureView {
  source: string;
  k: number;
  seed: number;
}

export interface FeatureJob {
  id: string;
  image: () => Promise<RgbImage>;
  /** φ of this view of the image (rendered by FeatureOptions.render) instead of the image itself. */
  view?: FeatureView;
}

/**
 * φ of many images, in order: stored ones are read, the rest go through the backbone `batch` at a
 * time (one model call per batch instead of per image) and are stored as each batch finishes.
 */
export async function featureItems(
  ctx: MemoContext,
  st: PipelineStages,
  jobs: readonly FeatureJob[],
  o: FeatureOptions = {},
): Promise<{ key: string; f: Float32Array }[]> {
  const fs: Float32Array[] = new Array(jobs.length);
  const keys = await featureStream(
    ctx,
    st,
    jobs,
    (i, f) => {
      fs[i] = f as Float32Array;
    },
    o,
  );
  return keys.map((key, i) => ({ key, f: fs[i] }));
}

export interface FeatureOptions {
  batch?: number;
  signal?: AbortSignal;
  onItem?: (done: number) => void;
  /**
   * false: stored features are found by their record and not read (`use` gets undefined for them): a
   * run's bank keeps only keys, so a warm run does not read every feature file just to drop it.
   */
  values?: boolean;
  /** Renders the views of a batch (GPU): needed only when some job has a view and is not stored. */
  render?: (views: readonly { image: RgbImage; id: string; view: FeatureView }[]) => Promise<RgbImage[]>;
}

/**
 * featureItems without keeping the features: each goes to `use(i, f)` as soon as it is read or
 * computed (not necessarily in order), so a run holds only the batch at hand. Returns the keys.
 */
export async function featureStream(
  ctx: MemoContext,
  st: PipelineStages,
  jobs: readonly FeatureJob[],
  use: (i: number, f: Float32Array | undefined) => void,
  o: FeatureOptions = {},
): Promise<string[]> {
  const batch = Math.max(1, o.batch ?? 8);
  const keys: string[] = new Array(jobs.length);
  let done = 0;
  let pending: number[] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    checkCancelled(o.signal);
    const images: RgbImage[] = [];
    for (const i of pending) images.push(await jobs[i].image());
    const viewed = pending.flatMap((i, b) => {
      const view = jobs[i].view;
      return view ? [{ b, image: images[b], id: jobs[i].id, view }] : [];
    });
    if (viewed.length) {
      if (!o.render) throw new Error('featureStream: a view job, but no view renderer');
      const rendered = await o.render(viewed);
      viewed.forEach((v, j) => {
        images[v.b] = rendered[j];
      });
    }
    const all = await st.features(images);
    const D = st.featureDim;
    for (const [b, i] of pending.entries()) {
      const f = all.slice(b * D, (b + 1) * D);
      const view = jobs[i].view;
      await keep(ctx, 'features', 'features', keys[i], {
        meta: { image: jobs[i].id, dim: D, ...(view && { view: { ...view } }) },
        data: f32Bytes(f),
      });
      use(i, f);
      o.onItem?.(++done);
    }
    pending = [];
  };
  for (let i = 0; i < jobs.length; i++) {
    keys[i] = await featureKey(st, jobs[i].id, jobs[i].view);
    const values = o.values ?? true;
    const hit = await lookup(ctx, 'features', 'features', keys[i], { bytes: values });
    if (hit && !values && hit.size !== 4 * st.featureDim)
      throw new Error(
        `feature ${keys[i]}: stored with ${hit.size} bytes, the backbone gives ${st.featureDim} values (${4 * st.featureDim} bytes)`,
      );
    if (hit) {
      use(i, values ? bytesF32(hit.data ?? new Uint8Array()) : undefined);
      o.onItem?.(++done);
    } else {
      pending.push(i);
      if (pending.length === batch) await flush();
    }
  }
  await flush();
  return keys;
}
