/**
 * Client side of the stage workers: wrap a worker in its typed Comlink API, and turn errors that
 * crossed the worker boundary back into the typed errors of core/errors (Comlink keeps only
 * name, message and stack).
 */
import * as Comlink from 'comlink';
import { reviveError } from '../core/errors.ts';

export function wrapStage<T>(worker: Worker): Comlink.Remote<T> {
  return Comlink.wrap<T>(worker);
}

/** Await a worker call, rethrowing its error as the typed error named in it. */
export async function revived<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (e) {
    throw reviveError(e as Error);
  }
}
