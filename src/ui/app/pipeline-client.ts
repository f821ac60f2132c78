/**
 * The page's side of the pipeline worker. Every task gets its own worker, ended when the task ends,
 * so a cancelled or failed task leaves nothing behind; errors come back as the typed errors of
 * core/errors, and a worker that dies mid-task rejects it with WorkerDiedError (worker-death.ts)
 * instead of leaving it pending forever. Tests pick a fresh IndexedDB database with `?store=NAME`.
 */
import * as Comlink from 'comlink';
import type { PipelineApi } from '../../pipeline/app/pipeline-api.ts';
import { revived } from '../../stages/worker-client.ts';
import { watchWorker } from './worker-death.ts';

export interface Task<T> {
  result: Promise<T>;
  /** Stops at the next item (what is finished stays in the store); the result then rejects. */
  cancel(): void;
}

function storeOverride(): string | undefined {
  try {
    return new URLSearchParams(globalThis.location?.search ?? '').get('store') ?? undefined;
  } catch {
    return undefined;
  }
}

/** Runs `work` against a fresh pipeline worker and terminates the worker when it settles. */
export function pipelineTask<T>(work: (api: Comlink.Remote<PipelineApi>) => Promise<T>): Task<T> {
  const worker = new Worker(new URL('../../../workers/pipeline.worker.ts', import.meta.url), {
    type: 'module',
    name: 'pipeline',
  });
  const api = Comlink.wrap<PipelineApi>(worker);
  const watch = watchWorker(worker, (lock) => api.holdLifeline(lock));
  const name = storeOverride();
  const ready = name ? api.useStore(name) : Promise.resolve();
  const result = Promise.race([revived(ready.then(() => work(api))), watch.died]).finally(() => {
    watch.stop();
    worker.terminate();
  });
  return {
    result,
    cancel: () => {
      void api.cancel().catch(() => {}); // the worker may already be gone
    },
  };
}
