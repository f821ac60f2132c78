/**
 * The app's pipeline worker API: imports datasets into the store and runs the pipeline, so the page
 * stays responsive. One store connection per call (a reload mid-run leaves nothing open), one task at
 * a time (cancel() stops it at the next item). workers/pipeline.worker.ts exposes it.
 */
import * as Comlink from 'comlink';
import type { DownloadProgress, StageProgress } from '../../core/progress.ts';
import { openIdbStore } from '../../storage/idb.ts';
import type { Collection } from '../../storage/schema.ts';
import type { CollectionUsage } from '../../storage/store.ts';
import { browserDecoder } from '../import/decode-browser.ts';
import {
  APP_STORE,
  type DatasetInput,
  type ImportOutcome,
  type RunRequest,
  type RunSummary,
  type StoredDataset,
} from './contract.ts';
import { DATASET_PREFIX, deleteDataset, importInput, listDatasets } from './datasets.ts';
import { demoZip } from './demo.ts';
import { clearExportZips, exportZipUsage } from './export-zip.ts';
import { holdLifeline } from './lifeline.ts';
import { runInBrowser } from './run.ts';

export function createPipelineApi() {
  let current: AbortController | undefined;
  let storeName = APP_STORE;

  async function withStore<T>(work: (store: Awaited<ReturnType<typeof openIdbStore>>) => Promise<T>) {
    const store = await openIdbStore({ name: storeName });
    try {
      return await work(store);
    } finally {
      await store.close();
    }
  }

  async function task<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    current?.abort();
    const ac = new AbortController();
    current = ac;
    try {
      return await work(ac.signal);
    } finally {
      if (current === ac) current = undefined;
    }
  }

  return {
    /** The page learns of this worker's death through a lock it holds (lifeline.ts). */
    holdLifeline,
    /** Tests use a fresh database per page. */
    useStore(name: string): void {
      storeName = name;
    },
    importDataset(input: DatasetInput, onProgress?: (p: StageProgress) => void): Promise<ImportOutcome> {
      return task((signal) =>
        withStore((store) =>
          importInput(store, input, { decoder: browserDecoder, demoZip, onProgress, signal }),
        ),
      );
    },
    listDatasets(): Promise<StoredDataset[]> {
      return withStore(listDatasets);
    },
    /** Resolves to the number of images freed (those no other imported dataset uses). */
    deleteDataset(id: string): Promise<number> {
      return withStore((store) => deleteDataset(store, id));
    },
    async run(
      req: RunRequest,
      onProgress: (p: StageProgress | DownloadProgress) => void,
    ): Promise<RunSummary> {
      const r = await task((signal) =>
        withStore((store) => runInBrowser(req, { store, decoder: browserDecoder, onProgress, signal })),
      );
      // Gallery images move, not copy (a buffer may be listed once only); exports are Blobs, passed by reference.
      const buffers = new Set<ArrayBuffer>();
      for (const c of r.gallery)
        for (const o of c.originals) {
          buffers.add(o.bytes.buffer as ArrayBuffer);
          for (const x of o.candidates) buffers.add(x.png.buffer as ArrayBuffer);
        }
      return Comlink.transfer(r, [...buffers]);
    },
    /** What the app's store holds, per collection, largest first. */
    storageUsage(): Promise<CollectionUsage[]> {
      return withStore(async (store) =>
        [...(await store.usage()), await exportZipUsage()].sort((a, b) => b.bytes - a.bytes),
      );
    },
    /**
     * Deletes every cached pipeline item (captions, embeddings, candidates, features, runs, reports) and
     * the runs' export zips; imported datasets and their images stay. Resolves to the number of items deleted.
     */
    clearCachedItems(): Promise<number> {
      return withStore(async (store) => {
        let n = 0;
        for (const c of CACHED_COLLECTIONS) n += await store.deletePrefix(c, '');
        // The pipeline's own import reports; the app's dataset records (app/…) stay.
        for (const key of await store.keys('datasets')) {
          if (!key.startsWith(DATASET_PREFIX)) {
            await store.delete('datasets', key);
            n++;
          }
        }
        return n + (await clearExportZips()); // the runs' zips in OPFS
      });
    },
    cancel(): void {
      current?.abort();
    },
  };
}

/** What a run computes and caches (re-computable), as opposed to what the user imported. */
export const CACHED_COLLECTIONS = [
  'captions',
  'classEmbeddings',
  'candidates',
  'features',
  'policies',
  'runs',
  'reports',
] as const satisfies readonly Collection[];

export type PipelineApi = ReturnType<typeof createPipelineApi>;
