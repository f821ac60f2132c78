/**
 * The run the tab was busy with, kept in localStorage from start to end: when a reload or a closed
 * tab interrupts it, the app offers to resume it. The cached items themselves live in the worker's
 * IndexedDB store; this only remembers what to ask for again. Runs on a picked local model folder
 * are not remembered (the Files do not survive a reload).
 */
import type { RunRequest } from '../../pipeline/app/contract.ts';

const KEY = 'autogenda-run';

export interface UnfinishedRun {
  request: RunRequest;
  datasetName: string;
  startedAt: string;
}

function storage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined; // storage blocked: no resume offer, nothing else changes
  }
}

export function markRunStarted(request: RunRequest, datasetName: string): void {
  // picked files (a local models folder, textual-inversion files) do not survive a reload
  if (request.models.kind === 'local' || request.ti?.length) return;
  const run: UnfinishedRun = { request, datasetName, startedAt: new Date().toISOString() };
  storage()?.setItem(KEY, JSON.stringify(run));
}

export function clearRunState(): void {
  storage()?.removeItem(KEY);
}

export function unfinishedRun(): UnfinishedRun | undefined {
  const text = storage()?.getItem(KEY);
  if (!text) return undefined;
  try {
    const run = JSON.parse(text) as UnfinishedRun;
    return run?.request?.datasetId ? run : undefined;
  } catch {
    return undefined; // written by another version: ignore
  }
}
