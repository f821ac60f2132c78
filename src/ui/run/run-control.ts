/**
 * Starting, following and cancelling a run: one pipeline worker per attempt, progress folded into the
 * shared signals, the result kept in `runResult`. The run belongs to the app, not to a screen, so
 * switching sections never stops it. Crash-only: when the worker dies or the GPU device is lost, a
 * fresh worker resumes the run from the store by itself (restart-policy.ts says when and how often).
 */

import type { Remote } from 'comlink';
import * as Comlink from 'comlink';
import type { DownloadProgress, StageProgress } from '../../core/progress.ts';
import type { RunRequest, RunSummary } from '../../pipeline/app/contract.ts';
import type { PipelineApi } from '../../pipeline/app/pipeline-api.ts';
import { pipelineTask, type Task } from '../app/pipeline-client.ts';
import { runDownload, runPhase, runProgress, runRestarts, runResult } from '../app/state.ts';
import { progressTracker } from './progress-state.ts';
import { decideRestart, exhaustedMessage, type FailedRun, restartNote } from './restart-policy.ts';
import { clearRunState, markRunStarted } from './run-state.ts';

/** The run in progress: its current attempt's task, and a way to cut a restart's back-off short. */
interface ActiveRun {
  cancelled: boolean;
  task?: Task<RunSummary>;
  wake?: () => void;
}

let current: ActiveRun | undefined;

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
export async function startRun(plan: RunPlan, datasetName: string): Promise<void> {
  cancelRun();
  const run: ActiveRun = { cancelled: false };
  current = run;
  const fold = progressTracker();
  const onProgress = (p: StageProgress | DownloadProgress) => {
    if (current !== run) return; // a dead attempt's last messages
    if (p.type === 'download') runDownload.value = p.loaded < p.total || p.total === 0 ? p : undefined;
    else runProgress.value = fold(runProgress.value, p);
  };
  runProgress.value = {};
  runDownload.value = undefined;
  runRestarts.value = [];
  runPhase.value = { kind: 'running', datasetName };
  // Prepared once; a restart asks for the same request again (picked Files are still in memory).
  let request = typeof plan === 'function' ? undefined : plan;
  for (let restarts = 0; ; ) {
    const task = pipelineTask(async (api) => {
      request ??= await (plan as Exclude<RunPlan, RunRequest>)(api, onProgress);
      markRunStarted(request, datasetName);
      return api.run(request, Comlink.proxy(onProgress));
    });
    run.task = task;
    try {
      const result = await task.result;
      if (current !== run) return;
      clearRunState();
      runResult.value = result;
      runPhase.value = { kind: 'done' };
      return;
    } catch (e) {
      if (current !== run) return;
      const error = e as Error & FailedRun;
      const next = run.cancelled
        ? { restart: false as const, exhausted: false }
        : decideRestart(error, restarts);
      if (!next.restart) {
        clearRunState();
        runPhase.value =
          run.cancelled || error.name === 'CancelledError'
            ? { kind: 'cancelled' }
            : { kind: 'failed', message: next.exhausted ? exhaustedMessage(error.message) : error.message };
        return;
      }
      restarts = next.attempt;
      runRestarts.value = [...runRestarts.value, restartNote(next.reason, next.attempt)];
      await new Promise<void>((wake) => {
        run.wake = wake;
        setTimeout(wake, next.delayMs);
      });
      if (current !== run) return;
      if (run.cancelled) {
        clearRunState();
        runPhase.value = { kind: 'cancelled' };
        return;
      }
    }
  }
}

export function cancelRun(): void {
  if (!current) return;
  current.cancelled = true;
  current.task?.cancel();
  current.wake?.();
}
