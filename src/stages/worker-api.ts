/**
 * The typed APIs the stage workers expose through Comlink, and their implementations. A worker file
 * only calls one factory and `Comlink.expose`s the result. Progress arrives through a
 * `Comlink.proxy`'d callback (released here after use); results are transferred, not copied;
 * `cancel()` aborts the call in flight; errors keep their stable `name` (revive with reviveError).
 */
import * as Comlink from 'comlink';
import { CancelledError, ConfigError } from '../core/errors.ts';
import { type ProgressFn, type ProgressUpdate, throttleProgress } from '../core/progress.ts';
import type { FetchModelOptions } from '../models/fetch.ts';
import { directoryHandleSource } from '../models/folder.ts';
import { type ModelManifest, parseManifest } from '../models/manifest.ts';
import type { OpenOptions } from '../models/open.ts';
import { MemoryStore, type ModelStore } from '../models/store.ts';
import { OpfsStore } from '../models/store-opfs.ts';
import type { Ep, EpRequest } from '../ort/ep.ts';
import type { Backbone } from './backbone.ts';
import type { Captioner, CaptionOptions, CaptionResult } from './captioner/captioner.ts';
import type { Embedder } from './embedder.ts';
import type { RgbImage } from './image/resample.ts';
import { type Opened, openBackbone, openCaptioner, openEmbedder } from './open-stage.ts';

export interface LoadRequest {
  /** The manifest JSON (checked here). */
  manifest: unknown;
  /** Download from this base URL instead of the manifest's source. */
  baseUrl?: string;
  /** Read the files from this folder instead (offline). */
  folder?: FileSystemDirectoryHandle;
  variant?: string;
  ep?: EpRequest;
  /** Where downloads are cached: OPFS (default) or memory (nothing persists). */
  store?: 'opfs' | 'memory';
}

export interface LoadInfo {
  id: string;
  variant: string;
  ep: Ep;
  fallbackReason?: string;
  /** HTTP requests the load made: 0 when served from the cache. */
  requests: number;
  sha256: Record<string, string>;
}

interface StageApi {
  load(req: LoadRequest, onProgress?: ProgressFn): Promise<LoadInfo>;
  /** Abort the call in flight (it rejects with CancelledError). */
  cancel(): void;
  dispose(): Promise<void>;
}
export interface EmbedderApi extends StageApi {
  embed(texts: string[], o?: { batchSize?: number }, onProgress?: ProgressFn): Promise<Float32Array>;
}
export interface BackboneApi extends StageApi {
  features(images: RgbImage[], o?: { batchSize?: number }, onProgress?: ProgressFn): Promise<Float32Array>;
}
export interface CaptionerApi extends StageApi {
  caption(image: RgbImage, className: string, o?: Omit<CaptionOptions, 'signal'>): Promise<CaptionResult>;
}

/** A loaded stage as a worker holds it: the stage, what load() reports, and how to free it. */
export interface Hosted<S> {
  stage: S;
  info: LoadInfo;
  dispose(): Promise<void>;
}

/** Manifest + fetch/open options (+ the load request, for family-specific fields) → a hosted stage. */
export type Opener<S, R extends LoadRequest = LoadRequest> = (
  m: ReturnType<typeof parseManifest>,
  o: FetchModelOptions & OpenOptions,
  req: R,
) => Promise<Hosted<S>>;

/** The opener of a family that goes through openModel (embedder, backbone, captioner). */
function modelOpener<S>(open: (m: ModelManifest, o: OpenOptions) => Promise<Opened<S>>): Opener<S> {
  return async (m, o) => {
    const { stage, model } = await open(m, o);
    return {
      stage,
      info: {
        id: m.id,
        variant: model.variant,
        ep: model.ep,
        fallbackReason: model.fallbackReason,
        requests: model.fetched.requests,
        sha256: model.fetched.sha256,
      },
      dispose: () => model.dispose(),
    };
  };
}

const release = (f?: ProgressFn) =>
  (f as unknown as { [Comlink.releaseProxy]?: () => void })?.[Comlink.releaseProxy]?.();

/**
 * What every stage worker shares (the diffusion worker too): one opened stage, one call at a time with
 * its AbortController, progress throttled and its proxy released, a cancel turned into CancelledError.
 */
export class Host<S, R extends LoadRequest = LoadRequest> {
  private opened?: Hosted<S>;
  private ctl?: AbortController;
  private stores = new Map<string, ModelStore>();

  constructor(private readonly open: Opener<S, R>) {}

  private store(kind: 'opfs' | 'memory'): ModelStore {
    let s = this.stores.get(kind);
    if (!s) {
      s = kind === 'opfs' ? new OpfsStore() : new MemoryStore();
      this.stores.set(kind, s);
    }
    return s;
  }

  async call<T>(
    f: (signal: AbortSignal, progress?: ProgressFn) => Promise<T>,
    onProgress?: ProgressFn,
  ): Promise<T> {
    const ctl = new AbortController();
    this.ctl = ctl;
    const progress = onProgress
      ? throttleProgress((e: ProgressUpdate) => void onProgress(e), 100)
      : undefined;
    try {
      return await f(ctl.signal, progress);
    } catch (e) {
      // signal.throwIfAborted() throws a DOMException; callers get our stable name instead
      if (ctl.signal.aborted && !(e instanceof CancelledError)) throw new CancelledError();
      throw e;
    } finally {
      progress?.flush();
      release(onProgress);
      if (this.ctl === ctl) this.ctl = undefined;
    }
  }

  load(req: R, onProgress?: ProgressFn): Promise<LoadInfo> {
    return this.call(async (signal, progress) => {
      await this.dispose();
      const m = parseManifest(req.manifest);
      const o: FetchModelOptions & OpenOptions = {
        ep: req.ep,
        variant: req.variant,
        baseUrl: req.baseUrl,
        signal,
        onProgress: progress,
        folder: req.folder ? directoryHandleSource(req.folder) : undefined,
        store: this.store(req.store ?? 'opfs'),
      };
      this.opened = await this.open(m, o, req);
      return this.opened.info;
    }, onProgress);
  }

  stage(): S {
    if (!this.opened) throw new ConfigError('No model is loaded in this worker: call load() first.');
    return this.opened.stage;
  }

  cancel(): void {
    this.ctl?.abort();
  }

  async dispose(): Promise<void> {
    const o = this.opened;
    this.opened = undefined;
    await o?.dispose();
  }
}

const transferred = (a: Float32Array) => Comlink.transfer(a, [a.buffer]);

export function createEmbedderApi(): EmbedderApi {
  const h = new Host<Embedder>(modelOpener(openEmbedder));
  return {
    load: (req, p) => h.load(req, p),
    embed: (texts, o = {}, p) =>
      h.call(
        async (signal, onProgress) => transferred(await h.stage().embed(texts, { ...o, signal, onProgress })),
        p,
      ),
    cancel: () => h.cancel(),
    dispose: () => h.dispose(),
  };
}

export function createBackboneApi(): BackboneApi {
  const h = new Host<Backbone>(modelOpener(openBackbone));
  return {
    load: (req, p) => h.load(req, p),
    features: (images, o = {}, p) =>
      h.call(
        async (signal, onProgress) =>
          transferred(await h.stage().features(images, { ...o, signal, onProgress })),
        p,
      ),
    cancel: () => h.cancel(),
    dispose: () => h.dispose(),
  };
}

export function createCaptionerApi(): CaptionerApi {
  const h = new Host<Captioner>(modelOpener(openCaptioner));
  return {
    load: (req, p) => h.load(req, p),
    caption: (image, className, o = {}) =>
      h.call((signal) => h.stage().caption(image, className, { ...o, signal })),
    cancel: () => h.cancel(),
    dispose: () => h.dispose(),
  };
}
