/**
 * Starting, following and cancelling a run: one pipeline worker per run, progress folded into the
 * shared signals, the result kept in `runResult`. The run belongs to the app, not to a screen, so
 * switching sections never stops it.
 */

import type { Remote } from 'comlink';
import * as Comlink from 'comlink';
import type { DownloadProgress, StageProgress } from '../../core/progress.ts';
import type { RunRequest } from '../../pipeline/app/contract.ts';
import type { PipelineApi } from '../../pipeline/app/pipeline-api.ts';
import { pipelineTask, type Task } from '../app/pipeline-client.ts';
import { runDownload, runPhase, runProgress, runResult } from '../app/state.ts';
import { progressTracker } from './progress-state.ts';
import { clearRunState, markRunStarted } from './run-state.ts';

let current: Task<unknown> | undefined;

export function isRunning(): boolean {
  return runPhase.value.kind === 'running';
}

/** What to run: a request, or a step that prepares one in the same worker (the demo imports first). */
export type RunPlan =
  | RunRequest
  | ((
      api: Remote<PipelineApi>,
      onProgress: (p: StageProgress | DownloadProgress) => void,
    ) => Promise<RunRequest>);

/** Runs `plan` on `datasetName` in a fresh pipeline worker; resolves when it settles (never rejects). */
export function startRun(plan: RunPlan, datasetName: string): Promise<void> {
  current?.cancel();
  const fold = progressTracker();
  const onProgress = (p: StageProgress | DownloadProgress) => {
    if (p.type === 'download') runDownload.value = p.loaded < p.total || p.total === 0 ? p : undefined;
    else runProgress.value = fold(runProgress.value, p);
  };
  runProgress.value = {};
  runDownload.value = undefined;
  runPhase.value = { kind: 'running', datasetName };
  const task = pipelineTask(async (api) => {
    const request = typeof plan === 'function' ? await plan(api, onProgress) : plan;
    markRunStarted(request, datasetName);
    return api.run(request, Comlink.proxy(onProgress));
  });
  current = task;
  return task.result.then(
    (result) => {
      if (current !== task) return;
      clearRunState();
      runResult.value = result;
      runPhase.value = { kind: 'done' };
    },
    (e: Error) => {
      if (current !== task) return;
      clearRunState();
      runPhase.value =
        e.name === 'CancelledError' ? { kind: 'cancelled' } : { kind: 'failed', message: e.message };
    },
  );
}

export function cancelRun(): void {
  current?.cancel();
}
