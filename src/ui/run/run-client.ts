/** The page's side of the pipeline worker: one worker per run, ended when the run ends or is cancelled. */
import * as Comlink from 'comlink';
import type { PipelineApi } from '../../../workers/pipeline.worker.ts';
import type { StageProgress } from '../../core/progress.ts';
import type { DemoRunSummary } from '../../pipeline/run-browser.ts';
import { revived } from '../../stages/worker-client.ts';

export interface RunHandle {
  result: Promise<DemoRunSummary>;
  /** Stops at the next item (what is finished stays in the store); the result then rejects. */
  cancel(): void;
}

export function startDemoRun(onProgress: (p: StageProgress) => void): RunHandle {
  const worker = new Worker(new URL('../../../workers/pipeline.worker.ts', import.meta.url), {
    type: 'module',
    name: 'pipeline',
  });
  const api = Comlink.wrap<PipelineApi>(worker);
  const result = revived(api.runDemo(Comlink.proxy(onProgress))).finally(() => worker.terminate());
  return {
    result,
    cancel: () => {
      void api.cancel().catch(() => {}); // the worker may already be gone
    },
  };
}
