/**
 * The diffusion worker's Comlink API (workers/diffusion.worker.ts): load an img2img manifest (with
 * optional textual-inversion files), generate, cancel, dispose — on the same Host as the other stage
 * workers (src/stages/worker-api.ts): progress through a proxied callback, results transferred, errors
 * keep their stable names. Textual-inversion prompts are expanded by Img2Img itself.
 */
import * as Comlink from 'comlink';
import type { ProgressFn } from '../../core/progress.ts';
import type { RgbImage } from '../image/resample.ts';
import { Host, type LoadInfo, type LoadRequest } from '../worker-api.ts';
import { openImg2Img } from './open.ts';
import type {
  GenerateBatchResult,
  GenerateOptions,
  GenerateResult,
  Img2Img,
  Img2ImgJob,
  SharedOptions,
} from './pipeline.ts';
import { parseEmbeddingFile } from './ti-file.ts';

export interface DiffusionLoadRequest extends LoadRequest {
  /** Textual-inversion files (safetensors or JSON); `token` names an unnamed (A1111) embedding. */
  embeddings?: { file: string; bytes: Uint8Array; token?: string }[];
}

export type DiffusionOptions = Omit<GenerateOptions, 'signal' | 'onProgress' | 'onLatent'>;
export type DiffusionShared = Omit<SharedOptions, 'signal' | 'onProgress' | 'onLatent'>;

export interface DiffusionApi {
  load(req: DiffusionLoadRequest, onProgress?: ProgressFn): Promise<LoadInfo & { tokens: string[] }>;
  generate(image: RgbImage, o: DiffusionOptions, onProgress?: ProgressFn): Promise<GenerateResult>;
  /** Several images per UNet run (same steps and strength; own prompt and seed each). */
  generateBatch(
    jobs: Img2ImgJob[],
    o: DiffusionShared,
    onProgress?: ProgressFn,
  ): Promise<GenerateBatchResult>;
  cancel(): void;
  dispose(): Promise<void>;
}

export function createDiffusionApi(): DiffusionApi {
  const h = new Host<Img2Img, DiffusionLoadRequest>(async (m, o, req) => {
    const embeddings = (req.embeddings ?? []).flatMap((e) => parseEmbeddingFile(e.bytes, e.file, e.token));
    const opened = await openImg2Img(m, { ...o, embeddings });
    return {
      stage: opened.stage,
      info: {
        id: m.id,
        variant: opened.variant,
        ep: opened.ep,
        fallbackReason: opened.fallbackReason,
        requests: opened.requests,
        sha256: opened.sha256,
        tokens: [...opened.tiVectors.keys()],
      } as LoadInfo,
      dispose: opened.dispose,
    };
  });
  return {
    load: (req, p) => h.load(req, p) as Promise<LoadInfo & { tokens: string[] }>,
    generate: (image, o, p) =>
      h.call(async (signal, onProgress) => {
        const r = await h.stage().generate(image, { ...o, signal, onProgress });
        return Comlink.transfer(r, [r.image.data.buffer as ArrayBuffer]);
      }, p),
    generateBatch: (jobs, o, p) =>
      h.call(async (signal, onProgress) => {
        const r = await h.stage().generateBatch(jobs, { ...o, signal, onProgress });
        return Comlink.transfer(
          r,
          r.images.map((im) => im.data.buffer as ArrayBuffer),
        );
      }, p),
    cancel: () => h.cancel(),
    dispose: () => h.dispose(),
  };
}
