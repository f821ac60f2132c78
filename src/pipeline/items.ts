/**
 * The cached items of the model stages, one function per item kind. Each key names everything that
 * decides the item, so a changed model, prompt, seed or strength is a new item and nothing else is.
 */

import { BadDatasetError } from '../core/errors.ts';
import type { RgbImage } from '../stages/image/resample.ts';
import { checkCancelled } from './cancel.ts';
import type { ImageDecoder } from './import/decoder.ts';
import { readHeader } from './import/header.ts';
import { itemKey } from './keys.ts';
import { bytesF32, f32Bytes, keep, lookup, type MemoContext, memo } from './memo.ts';
import { encodePng } from './png.ts';
import type { CandidateJob } from './prompts.ts';
import type { PipelineStages } from './stages.ts';

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

export async function captionItem(
  ctx: MemoContext,
  st: PipelineStages,
  hash: string,
  className: string,
  image: () => Promise<RgbImage>,
): Promise<string> {
  const key = await itemKey('caption', {
    model: st.ids.captioner,
    image: hash,
    class: className,
    options: st.captionOptions ?? null,
  });
  const it = await memo(ctx, 'caption', 'captions', key, async () => ({
    meta: { caption: await st.caption(await image(), className), source: st.ids.captioner },
  }));
  return String(it.meta.caption);
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

export interface Candidate {
  key: string;
  job: CandidateJob;
  png: Uint8Array;
}

export async function candidateItem(
  ctx: MemoContext,
  st: PipelineStages,
  job: CandidateJob,
  parentHash: string,
  className: string,
  g: GenerationSettings,
  image: () => Promise<RgbImage>,
): Promise<Candidate> {
  const key = await itemKey('candidate', {
    model: st.ids.img2img,
    image: parentHash,
    prompt: job.prompt,
    seed: job.seed,
    strength: g.strength,
    steps: g.steps,
    guidance: g.guidance,
  });
  const it = await memo(ctx, 'candidates', 'candidates', key, async () => {
    const out = await st.generate(await image(), { prompt: job.prompt, seed: job.seed, ...g });
    const meta = {
      source: job.source,
      class: className,
      prompt: job.prompt,
      seed: job.seed,
      strength: g.strength,
      steps: g.steps,
      guidance: g.guidance,
      parent: parentHash,
    };
    return { meta, data: encodePng(out) };
  });
  return { key, job, png: it.data ?? new Uint8Array() };
}

/** A feature's key: the backbone and the image's identity (content hash or candidate key). */
const featureKey = (st: PipelineStages, id: string) =>
  itemKey('feature', { model: st.ids.backbone, image: id });

export interface FeatureJob {
  id: string;
  image: () => Promise<RgbImage>;
}

/**
 * φ of many images, in order: stored ones are read, the rest go through the backbone `batch` at a
 * time (one model call per batch instead of per image) and are stored as each batch finishes.
 */
export async function featureItems(
  ctx: MemoContext,
  st: PipelineStages,
  jobs: readonly FeatureJob[],
  o: { batch?: number; signal?: AbortSignal; onItem?: (done: number) => void } = {},
): Promise<{ key: string; f: Float32Array }[]> {
  const batch = Math.max(1, o.batch ?? 8);
  const out: { key: string; f: Float32Array }[] = new Array(jobs.length);
  let done = 0;
  let pending: { i: number; key: string }[] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    checkCancelled(o.signal);
    const images: RgbImage[] = [];
    for (const p of pending) images.push(await jobs[p.i].image());
    const all = await st.features(images);
    const D = st.featureDim;
    for (let b = 0; b < pending.length; b++) {
      const { i, key } = pending[b];
      const f = all.slice(b * D, (b + 1) * D);
      await keep(ctx, 'features', 'features', key, {
        meta: { image: jobs[i].id, dim: D },
        data: f32Bytes(f),
      });
      out[i] = { key, f };
      o.onItem?.(++done);
    }
    pending = [];
  };
  for (let i = 0; i < jobs.length; i++) {
    const key = await featureKey(st, jobs[i].id);
    const hit = await lookup(ctx, 'features', 'features', key);
    if (hit) {
      out[i] = { key, f: bytesF32(hit.data ?? new Uint8Array()) };
      o.onItem?.(++done);
    } else {
      pending.push({ i, key });
      if (pending.length === batch) await flush();
    }
  }
  await flush();
  return out;
}
