/** Cancelling a run is never an error in the data: what finished is stored, and re-running continues. */
import { CancelledError } from '../core/errors.ts';

export const CANCELLED_MESSAGE =
  'Run cancelled; finished items are kept: re-run the same command to continue.';

export function checkCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError(CANCELLED_MESSAGE);
}
