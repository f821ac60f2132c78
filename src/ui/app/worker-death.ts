/**
 * The page's half of dead-worker detection (the worker's half: pipeline/app/lifeline.ts). Two signals,
 * both what Chromium really gives: the worker's lock is released when it is terminated, closes itself
 * or its thread is killed; the Worker's `error` event fires for an error nothing in the worker caught
 * (after which a pending Comlink call may never answer). Web Locks exist wherever WebGPU does (both
 * need a secure context); without them only the `error` event is watched.
 */
import { AutoGenDAError } from '../../core/errors.ts';

/** The pipeline worker went away mid-task: the task's pending call will never answer. */
export class WorkerDiedError extends AutoGenDAError {
  override readonly name = 'WorkerDiedError';
  constructor(readonly reason: string) {
    super(`The pipeline worker stopped (${reason}).`);
  }
}

export interface DeathWatch {
  /** Rejects with WorkerDiedError when the worker dies; never settles otherwise. */
  died: Promise<never>;
  /** Stop watching (the task settled: terminating the worker now is ours, not a death). */
  stop(): void;
}

/** Watches `worker`; `hold` asks the worker to take the named lock (resolves once it holds it). */
export function watchWorker(worker: Worker, hold: (lock: string) => Promise<boolean>): DeathWatch {
  let stopped = false;
  let fail: (e: WorkerDiedError) => void = () => {};
  const died = new Promise<never>((_, reject) => {
    fail = (e) => {
      if (!stopped) reject(e);
      stopped = true;
    };
  });
  died.catch(() => {}); // a death nobody awaits any more is not an unhandled rejection
  const onError = (e: ErrorEvent) => {
    e.preventDefault(); // reported as the run's restart reason, not as an uncaught page error
    fail(new WorkerDiedError(`it hit an uncaught error${e.message ? `: ${e.message}` : ''}`));
  };
  worker.addEventListener('error', onError);
  const locks = globalThis.navigator?.locks;
  if (locks) {
    // unique per worker across tabs of this origin (locks are origin-wide)
    const name = `autogenda-worker-${crypto.randomUUID()}`;
    void hold(name)
      .then((held) =>
        held && !stopped
          ? locks.request(name, () => fail(new WorkerDiedError('it was terminated or crashed')))
          : undefined,
      )
      .catch(() => {});
  }
  return {
    died,
    stop() {
      stopped = true;
      worker.removeEventListener('error', onError);
    },
  };
}
