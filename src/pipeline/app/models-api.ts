/**
 * The Models screen's worker API: what the OPFS model cache holds, downloads into it (resumed and
 * verified by the downloader; OPFS sync access handles exist only in workers) and clearing it.
 * One download per model at a time, each cancellable on its own. workers/models.worker.ts exposes it.
 */
import { sha256 } from 'hash-wasm';
import { ConfigError } from '../../core/errors.ts';
import type { DownloadProgress } from '../../core/progress.ts';
import { assertFits, type FitEnvironment, fitEnvironment } from '../../models/preflight.ts';
import { downloadFiles } from '../../models/registry.ts';
import { clearModels, type ModelStore, putFile } from '../../models/store.ts';
import { OpfsStore } from '../../models/store-opfs.ts';
import { loadPhotos } from '../check/photos.ts';
import type { ModelCheck } from '../check/result.ts';
import { CACHED_CHECK, checkModel } from '../check/runner.ts';
import { bundledRegistry } from './model-registry.ts';
import { cachedChecks, downloadToCache } from './models.ts';

/** One file of a model's download set as the cache holds it. */
export interface CachedFile {
  path: string;
  /** From the manifest, when it records one. */
  size?: number;
  /** Bytes of the verified, complete file; undefined when not complete. */
  complete?: number;
  /** Bytes on disk, complete or not (a partial resumes from here). */
  held: number;
}

function manifestIn(registry: ReturnType<typeof bundledRegistry>, id: string) {
  const m = registry.get(id);
  if (!m) throw new ConfigError(`No bundled model '${id}'.`);
  return m;
}

/** At most one progress message per file per 100 ms, plus every file's last one (Comlink messages are not free). */
function throttled(onProgress: (p: DownloadProgress) => void): (p: DownloadProgress) => void {
  const last = new Map<string, number>();
  return (p) => {
    const now = performance.now();
    const final = p.total > 0 && p.loaded >= p.total;
    if (!final && now - (last.get(p.file) ?? -Infinity) < 100) return;
    last.set(p.file, now);
    void Promise.resolve(onProgress(p)).catch(() => {}); // the page may have gone
  };
}

/** The Models worker's API over the browser's OPFS model cache and the bundled manifests. */
export function createModelsApi(
  store: ModelStore = new OpfsStore(),
  registry = bundledRegistry(),
  /** Where models would run (this worker's WebGPU adapter, else wasm); tests pass plain limits. */
  environment: () => Promise<FitEnvironment> = () => fitEnvironment('auto'),
) {
  const running = new Map<string, { ac: AbortController; done: Promise<unknown> }>();
  const manifest = (id: string) => manifestIn(registry, id);
  const stopDownload = async (id: string): Promise<void> => {
    const r = running.get(id);
    if (!r) return;
    r.ac.abort();
    await r.done.catch(() => {});
  };
  return {
    /** Every bundled model's download set, file by file. */
    async inspect(): Promise<Record<string, CachedFile[]>> {
      const out: Record<string, CachedFile[]> = {};
      for (const m of registry.all) {
        out[m.id] = await Promise.all(
          downloadFiles(m).map(async (path) => {
            const key = `${m.id}/${path}`;
            const meta = await store.meta(key);
            return {
              path,
              size: m.files[path].size,
              complete: meta?.size,
              held: await store.partialSize(key),
            };
          }),
        );
      }
      return out;
    },

    /** Downloads a model's download set (from `mirror` when given); rejects with CancelledError on cancel. */
    async download(
      id: string,
      mirror: string | undefined,
      onProgress: (p: DownloadProgress) => void,
    ): Promise<{ requests: number; bytes: number }> {
      const m = manifest(id);
      if (running.has(id)) throw new ConfigError(`'${id}' is already downloading.`);
      // Before any byte: refuse, with sizes and limits, a model this machine cannot run.
      assertFits(m, await environment());
      const ac = new AbortController();
      const work = downloadToCache(store, m, downloadFiles(m), {
        mirror,
        signal: ac.signal,
        onProgress: throttled(onProgress),
      });
      running.set(id, { ac, done: work });
      try {
        const r = await work;
        return { requests: r.requests, bytes: Object.values(r.files).reduce((n, f) => n + f.size, 0) };
      } finally {
        running.delete(id);
      }
    },

    /**
     * Runs a downloaded model's known-answer checks (docs/MODELS-CHECK.md) on this machine, with the
     * photos the app serves under `photosBase`, and keeps the result beside the model's files.
     */
    async check(id: string, photosBase: string): Promise<ModelCheck> {
      const m = manifest(id);
      const photos = await loadPhotos(async (name) => {
        const res = await fetch(new URL(name, photosBase));
        if (!res.ok) throw new ConfigError(`check photo ${name}: HTTP ${res.status} from ${photosBase}`);
        return new Uint8Array(await res.arrayBuffer());
      });
      const r = await checkModel(m, { store }, { photos });
      const bytes = new TextEncoder().encode(JSON.stringify(r));
      await putFile(store, `${id}/${CACHED_CHECK}`, bytes, await sha256(bytes));
      return r;
    },

    /** The last check of every bundled model that has one. */
    async checks(): Promise<Record<string, ModelCheck>> {
      return cachedChecks(
        store,
        registry.all.map((m) => m.id),
      );
    },

    /** Stops a download; what arrived stays (the next download resumes from it). */
    cancel(id: string): void {
      running.get(id)?.ac.abort();
    },

    /** Removes one model's files, complete and partial (every model's when no id); returns the bytes freed. */
    async clear(id?: string): Promise<number> {
      const ids = id === undefined ? registry.all.map((m) => m.id) : [manifest(id).id];
      let freed = 0;
      for (const x of ids) {
        await stopDownload(x);
        for (const path of Object.keys(registry.get(x)!.files)) {
          const key = `${x}/${path}`;
          freed += await store.partialSize(key);
          await store.delete(key);
        }
        freed += await clearModels(store, x); // files an older manifest of the same model named
      }
      // Complete files of models no bundled manifest names any more.
      if (id === undefined) freed += await clearModels(store);
      return freed;
    },
  };
}

export type ModelsApi = ReturnType<typeof createModelsApi>;
