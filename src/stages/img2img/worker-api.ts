/**
 * The diffusion worker's Comlink API (workers/diffusion.worker.ts): load an img2img manifest (with
 * optional textual-inversion files), generate one image at a time, cancel, dispose. Same contract
 * as the other stage workers (src/stages/worker-api.ts): progress through a proxied callback,
 * results transferred, errors keep their stable names.
 */
import * as Comlink from 'comlink';
import { CancelledError, ConfigError } from '../../core/errors.ts';
import type { ProgressFn } from '../../core/progress.ts';
import { directoryHandleSource } from '../../models/folder.ts';
import { parseManifest } from '../../models/manifest.ts';
import { MemoryStore } from '../../models/store.ts';
import { OpfsStore } from '../../models/store-opfs.ts';
import type { RgbImage } from '../image/resample.ts';
import type { LoadInfo, LoadRequest } from '../worker-api.ts';
import { type OpenedImg2Img, openImg2Img } from './open.ts';
import type {
  GenerateBatchResult,
  GenerateOptions,
  GenerateResult,
  Img2ImgJob,
  SharedOptions,
} from './pipeline.ts';
import { expandPrompt } from './textual-inversion.ts';
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
  let opened: OpenedImg2Img | undefined;
  let ctl: AbortController | undefined;
  const guarded = async <T>(f: (signal: AbortSignal) => Promise<T>): Promise<T> => {
    const c = new AbortController();
    ctl = c;
    try {
      return await f(c.signal);
    } catch (e) {
      if (c.signal.aborted && !(e instanceof CancelledError)) throw new CancelledError();
      throw e;
    } finally {
      if (ctl === c) ctl = undefined;
    }
  };
  const dispose = async () => {
    const o = opened;
    opened = undefined;
    await o?.dispose();
  };
  return {
    load: (req, onProgress) =>
      guarded(async (signal) => {
        await dispose();
        const m = parseManifest(req.manifest);
        const embeddings = (req.embeddings ?? []).flatMap((e) =>
          parseEmbeddingFile(e.bytes, e.file, e.token),
        );
        opened = await openImg2Img(m, {
          ep: req.ep,
          variant: req.variant,
          baseUrl: req.baseUrl,
          signal,
          onProgress,
          folder: req.folder ? directoryHandleSource(req.folder) : undefined,
          store: req.store === 'memory' ? new MemoryStore() : new OpfsStore(),
          embeddings,
        });
        return {
          id: m.id,
          variant: opened.variant,
          ep: opened.ep,
          fallbackReason: opened.fallbackReason,
          requests: opened.requests,
          sha256: opened.sha256,
          tokens: [...opened.tiVectors.keys()],
        };
      }),
    generate: (image, o, onProgress) =>
      guarded(async (signal) => {
        if (!opened) throw new ConfigError('No diffusion model is loaded in this worker: call load() first.');
        const prompt = expandPrompt(o.prompt, opened.tiVectors);
        const negativePrompt = o.negativePrompt && expandPrompt(o.negativePrompt, opened.tiVectors);
        const r = await opened.stage.generate(image, { ...o, prompt, negativePrompt, signal, onProgress });
        return Comlink.transfer(r, [r.image.data.buffer as ArrayBuffer]);
      }),
    generateBatch: (jobs, o, onProgress) =>
      guarded(async (signal) => {
        if (!opened) throw new ConfigError('No diffusion model is loaded in this worker: call load() first.');
        const v = opened.tiVectors;
        const expanded = jobs.map((j) => ({
          ...j,
          prompt: expandPrompt(j.prompt, v),
          negativePrompt: j.negativePrompt && expandPrompt(j.negativePrompt, v),
        }));
        const r = await opened.stage.generateBatch(expanded, { ...o, signal, onProgress });
        return Comlink.transfer(
          r,
          r.images.map((im) => im.data.buffer as ArrayBuffer),
        );
      }),
    cancel: () => ctl?.abort(),
    dispose,
  };
}
