/**
 * The cached items of the model stages, one function per item kind. Each key names everything that
 * decides the item, so a changed model, prompt, seed or strength is a new item and nothing else is.
 */

import { BadDatasetError } from '../core/errors.ts';
import type { RgbImage } from '../stages/image/resample.ts';
import type { ImageDecoder } from './import/decoder.ts';
import { readHeader } from './import/header.ts';
import { itemKey } from './keys.ts';
import { bytesF32, f32Bytes, type MemoContext, memo } from './memo.ts';
import { encodePng } from './png.ts';
import type { CandidateJob } from './prompts.ts';
import type { PipelineStages } from './stages.ts';

export interface GenerationSettings {
  strength: number;
  steps: number;
  guidance?: number;
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
  const key = await itemKey('caption', { model: st.ids.captioner, image: hash, class: className });
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
    guidance: g.guidance ?? null,
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
      parent: parentHash,
    };
    return { meta, data: encodePng(out) };
  });
  return { key, job, png: it.data ?? new Uint8Array() };
}

/** φ of one image, keyed by the backbone and the image's identity (content hash or candidate key). */
export async function featureItem(
  ctx: MemoContext,
  st: PipelineStages,
  id: string,
  image: () => Promise<RgbImage>,
): Promise<{ key: string; f: Float32Array }> {
  const key = await itemKey('feature', { model: st.ids.backbone, image: id });
  const it = await memo(ctx, 'features', 'features', key, async () => ({
    meta: { image: id, dim: st.featureDim },
    data: f32Bytes(await st.features([await image()])),
  }));
  return { key, f: bytesF32(it.data ?? new Uint8Array()) };
}
