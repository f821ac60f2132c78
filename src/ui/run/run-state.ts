/**
 * Whether a demo run was started and never finished (the tab was closed or reloaded mid-run): a flag
 * in localStorage, set at start, cleared when the run ends or is cancelled. The cached items
 * themselves live in the worker's IndexedDB store; this only decides whether to offer "Resume".
 */
const KEY = 'autogenda-demo-run';

function storage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined; // storage blocked: no resume offer, nothing else changes
  }
}

export function markRunStarted(): void {
  storage()?.setItem(KEY, JSON.stringify({ startedAt: new Date().toISOString() }));
}

export function clearRunState(): void {
  storage()?.removeItem(KEY);
}

export function hasUnfinishedRun(): boolean {
  return storage()?.getItem(KEY) != null;
}
