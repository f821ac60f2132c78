/**
 * The one progress vocabulary every stage speaks (UI, CLI and workers all consume it). Events are
 * plain objects so they survive postMessage / Comlink unchanged.
 *
 * Named `ProgressUpdate`, not `ProgressEvent`, so it can never be confused with the DOM's global
 * `ProgressEvent` type when someone forgets the import.
 */

export const STAGE_NAMES = [
  'import',
  'split',
  'caption',
  'neighbours',
  'candidates',
  'features',
  'search',
  'train',
  'evaluate',
  'export',
] as const;
export type StageName = (typeof STAGE_NAMES)[number];

/** Work done within a stage; `done === total` marks the stage's last event. */
export interface StageProgress {
  type: 'stage';
  stage: StageName;
  done: number;
  total: number;
  /** What `done`/`total` count, e.g. 'images', 'epochs'. */
  unit?: string;
  etaSeconds?: number;
  message?: string;
  /**
   * The stage runs once per part (a training run of several methods × seeds): `done`/`total` count
   * within part `index` (0-based) of `count`, so the stage's whole fraction is (index + done/total)/count.
   */
  part?: { index: number; count: number };
}

/** A stage event's fraction of its whole stage, parts included (0..1). */
export function stageFraction(p: {
  done: number;
  total: number;
  part?: { index: number; count: number };
}): number {
  const inPart = p.total > 0 ? Math.min(1, p.done / p.total) : 0;
  return p.part ? (p.part.index + inPart) / p.part.count : inPart;
}

/** Bytes of a model file; `total` is 0 when the server sent no length. */
export interface DownloadProgress {
  type: 'download';
  file: string;
  loaded: number;
  total: number;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogUpdate {
  type: 'log';
  level: LogLevel;
  message: string;
  stage?: StageName;
}

/** A whole run (no `stage`) or one stage finished. */
export interface DoneUpdate {
  type: 'done';
  stage?: StageName;
  message?: string;
}

/** `name` is the stable error name from core/errors, so the receiver can revive the typed error. */
export interface ErrorUpdate {
  type: 'error';
  stage?: StageName;
  name: string;
  message: string;
}

export type ProgressUpdate = StageProgress | DownloadProgress | LogUpdate | DoneUpdate | ErrorUpdate;
export type ProgressFn = (e: ProgressUpdate) => void;
/** Milliseconds from any fixed origin; injectable so tests control time. */
export type Clock = () => number;

const defaultClock: Clock = () => Date.now();

export interface ThrottledProgress extends ProgressFn {
  /** Forward the latest event held back for each stage/file (call when work stops early). */
  flush(): void;
}

/**
 * Rate-limit a listener: at most one 'stage' event per `ms` per stage and one 'download' event per
 * `ms` per file. The first event of a stage and its final one (done >= total) always pass, so the UI
 * never misses a start or an end; log/done/error events always pass. After a final event the stage
 * starts afresh, so a stage that runs again (a new search epoch) shows its first event at once.
 */
export function throttleProgress(fn: ProgressFn, ms: number, now: Clock = defaultClock): ThrottledProgress {
  const lastSent = new Map<string, number>();
  const held = new Map<string, ProgressUpdate>();
  const throttled = ((e: ProgressUpdate) => {
    let key: string;
    let final: boolean;
    if (e.type === 'stage') {
      key = `stage:${e.stage}`;
      final = e.done >= e.total;
    } else if (e.type === 'download') {
      key = `download:${e.file}`;
      final = e.total > 0 && e.loaded >= e.total;
    } else {
      fn(e);
      return;
    }
    const t = now();
    const last = lastSent.get(key);
    if (final) {
      lastSent.delete(key);
      held.delete(key);
      fn(e);
    } else if (last === undefined || t - last >= ms) {
      lastSent.set(key, t);
      held.delete(key);
      fn(e);
    } else {
      held.set(key, e);
    }
  }) as ThrottledProgress;
  throttled.flush = () => {
    const t = now();
    for (const [key, e] of held) {
      lastSent.set(key, t);
      fn(e);
    }
    held.clear();
  };
  return throttled;
}

/**
 * Remaining-time estimator from the average rate since the first point:
 * rate = (done - done₀) / (t - t₀), eta = (total - done) / rate, in seconds.
 * Returns undefined until it has two points with time and work both advanced, and 0 once
 * done >= total. If `done` goes backwards (the stage restarted) the estimate starts over.
 */
export function createEta(
  now: Clock = defaultClock,
): (done: number, total: number, timeMs?: number) => number | undefined {
  let first: { done: number; t: number } | undefined;
  let lastDone = -Infinity;
  return (done, total, timeMs) => {
    const t = timeMs ?? now();
    if (done < lastDone) first = undefined;
    lastDone = done;
    if (done >= total) return 0;
    if (first === undefined) {
      first = { done, t };
      return undefined;
    }
    const dt = t - first.t;
    const dd = done - first.done;
    if (!(dt > 0) || !(dd > 0)) return undefined;
    return ((total - done) * dt) / dd / 1000;
  };
}
