/**
 * When a failed run restarts by itself (crash-only runs): only when its worker died (WorkerDiedError)
 * or the GPU device was lost (DeviceLostError) — a fresh worker gets a fresh ONNX Runtime and device,
 * and the store keeps every finished item. A cancel or an ordinary error (a bad dataset, bad settings)
 * would only fail again the same way, so it ends the run. Bounded, with a short back-off. Pure.
 */

export interface RestartPolicy {
  /** Automatic restarts per run. */
  max: number;
  /** Wait before the first restart; doubled for each further one, up to maxDelayMs. */
  firstDelayMs: number;
  maxDelayMs: number;
}

export const RESTART_POLICY: RestartPolicy = { max: 3, firstDelayMs: 1_000, maxDelayMs: 8_000 };

/** A run's error: its name and message (WorkerDiedError also says why the worker stopped). */
export interface FailedRun {
  name?: string;
  message?: string;
  reason?: string;
}

export type RestartDecision =
  | { restart: true; attempt: number; delayMs: number; reason: string }
  | { restart: false; exhausted: boolean };

/** Why a run with this error may be restarted ('it was terminated or crashed'), or undefined. */
export function restartReason(error: FailedRun): string | undefined {
  if (error.name === 'WorkerDiedError') return error.reason ?? error.message;
  if (error.name === 'DeviceLostError') return 'the GPU device was lost'; // its message is a whole sentence
  return undefined;
}

/** After `restarts` automatic restarts so far, the run failed with `error`: restart it, and when? */
export function decideRestart(
  error: FailedRun,
  restarts: number,
  policy: RestartPolicy = RESTART_POLICY,
): RestartDecision {
  const reason = restartReason(error);
  if (reason === undefined) return { restart: false, exhausted: false };
  if (restarts >= policy.max) return { restart: false, exhausted: true };
  const delayMs = Math.min(policy.firstDelayMs * 2 ** restarts, policy.maxDelayMs);
  return { restart: true, attempt: restarts + 1, delayMs, reason };
}

/** The progress area's line for one restart. */
export function restartNote(reason: string, attempt: number, max = RESTART_POLICY.max): string {
  return `The worker stopped (${reason}); restarted, continuing from the cached items — restart ${attempt} of ${max}.`;
}

/** The failure message once the restarts are used up. */
export function exhaustedMessage(message: string, max = RESTART_POLICY.max): string {
  return `${message} It stopped again after ${max} automatic restarts; finished items stay cached, so running again continues from them.`;
}
