// The app's pipeline worker: imports datasets into the store and runs the pipeline, so the page
// stays responsive. PipelineApi over Comlink; one store connection per call (a reload mid-run
// leaves nothing open), one task at a time (cancel() stops it at the next item).
import * as Comlink from 'comlink';
import type { DownloadProgress, StageProgress } from '../src/core/progress.ts';
import {
  APP_STORE,
  type DatasetInput,
  type ImportOutcome,
  type RunRequest,
  type RunSummary,
  type StoredDataset,
} from '../src/pipeline/app/contract.ts';
import { deleteDataset, importInput, listDatasets } from '../src/pipeline/app/datasets.ts';
import { demoZip } from '../src/pipeline/app/demo.ts';
import { runInBrowser } from '../src/pipeline/app/run.ts';
import { browserDecoder } from '../src/pipeline/import/decode-browser.ts';
import { openIdbStore } from '../src/storage/idb.ts';

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

const api = {
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
  async run(req: RunRequest, onProgress: (p: StageProgress | DownloadProgress) => void): Promise<RunSummary> {
    const r = await task((signal) =>
      withStore((store) => runInBrowser(req, { store, decoder: browserDecoder, onProgress, signal })),
    );
    // Several exports may share a buffer (a buffer may be listed once only).
    return Comlink.transfer(r, [...new Set(r.exports.map((e) => e.bytes.buffer as ArrayBuffer))]);
  },
  cancel(): void {
    current?.abort();
  },
};

export type PipelineApi = typeof api;
Comlink.expose(api);
