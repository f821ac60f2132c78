/**
 * What the pipeline needs from the models, as plain functions: the CLI and the app open real ONNX
 * stages behind it (open-stages.ts), unit tests give fakes. `ids` go into every cache key.
 */
import type { ImagePreprocess } from '../models/manifest.ts';
import type { ModelCalls } from '../ort/calls.ts';
import type { RgbImage } from '../stages/image/resample.ts';
import type { GenerationDefaults } from '../stages/img2img/generation.ts';
import type { ModelCheckSummary } from './check/result.ts';

export interface GenerateRequest {
  prompt: string;
  seed: number;
  strength: number;
  steps: number;
  guidance: number;
}

export interface CaptionRequest {
  image: RgbImage;
  className: string;
}

export interface PipelineStages {
  ids: { captioner: string; embedder: string; img2img: string; backbone: string };
  /** Random-weight fixtures: outputs are a plumbing check, never a result. */
  plumbingOnly: boolean;
  /** What decides a caption besides the model and the image (part of its cache key). */
  captionOptions?: { maxNewTokens: number };
  /** The img2img model's own steps / guidance / strength (its manifest), used where a run sets none. */
  generationDefaults?: GenerationDefaults;
  /** Textual-inversion tokens the img2img text encoder knows, and the file each came from. */
  tiTokens?: { token: string; file: string }[];
  /** Model calls so far, "<task>.<session>" → {calls, samples}. */
  modelCalls?(): ModelCalls;
  /** How the opened models' graphs differ from their manifests (bound anyway). */
  warnings?(): string[];
  /** Each task's model's last `models check` (null: never checked). */
  modelChecks?: Record<'captioner' | 'embedder' | 'img2img' | 'backbone', ModelCheckSummary | null>;
  caption(image: RgbImage, className: string): Promise<string>;
  /** Captions of several images, each as caption() of it alone; absent: one caption() per image. */
  captionBatch?(items: readonly CaptionRequest[]): Promise<string[]>;
  /** One L2-normalised vector per name: [names.length × dim]. */
  embed(names: readonly string[]): Promise<{ vectors: Float32Array; dim: number }>;
  generate(image: RgbImage, r: GenerateRequest): Promise<RgbImage>;
  /**
   * Several images in one model batch (same strength, steps and guidance; each its own prompt and
   * seed), each the same as generate() of it alone; absent: one generate() per image.
   */
  generateBatch?(items: readonly { image: RgbImage; request: GenerateRequest }[]): Promise<RgbImage[]>;
  /** φ(x): [images.length × dim]. */
  features(images: readonly RgbImage[]): Promise<Float32Array>;
  featureDim: number;
  /** The backbone's resize and crop: views are drawn at its size (view-frame.ts); needed only for views. */
  backbonePreprocess?: ImagePreprocess;
  /** For the one-file classifier export: the backbone graph and its pooled output. */
  backboneGraph(): Promise<{ bytes: Uint8Array; name: string; output: string }>;
  /** Frees a model the pipeline is done with (it reopens if called again); optional for fakes. */
  release?(task: 'captioner' | 'embedder' | 'img2img'): Promise<void>;
  dispose(): Promise<void>;
}
