/**
 * memo() for many items at once: stored items are read, the missing ones are computed `batch` at a
 * time (one model call per batch) and each batch is stored as soon as it finishes, so a killed run
 * keeps every finished batch. Keys never depend on the batch size: a batched run and a one-at-a-time
 * run find each other's items.
 */
import type { StageName } from '../core/progress.ts';
import type { Collection } from '../storage/schema.ts';
import type { JsonObject } from '../storage/store.ts';
import { checkCancelled } from './cancel.ts';
import { type Item, keep, lookup, type MemoContext } from './memo.ts';

export interface BatchOptions {
  batch: number;
  signal?: AbortSignal;
  /** Called once per item, found or computed, with the count so far. */
  onItem?: (done: number) => void;
}

export async function memoBatch<J, M extends JsonObject>(
  ctx: MemoContext,
  stage: StageName,
  collection: Collection,
  jobs: readonly J[],
  f: {
    key: (job: J) => Promise<string>;
    /** The items of these jobs, in order. */
    compute: (jobs: J[]) => Promise<Item<M>[]>;
    /** The result keeps no bytes (a long stage does not hold them all; stored ones are not even read). */
    dropBytes?: boolean;
  },
  o: BatchOptions,
): Promise<{ key: string; item: Item<M> }[]> {
  const batch = Math.max(1, Math.floor(o.batch));
  const out: { key: string; item: Item<M> }[] = new Array(jobs.length);
  const slim = f.dropBytes ? (item: Item<M>): Item<M> => ({ meta: item.meta }) : (item: Item<M>) => item;
  let done = 0;
  let pending: { i: number; key: string }[] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    checkCancelled(o.signal);
    const items = await f.compute(pending.map((p) => jobs[p.i]));
    if (items.length !== pending.length)
      throw new Error(`${stage}: a batch of ${pending.length} gave ${items.length} items`);
    for (const [b, { i, key }] of pending.entries()) {
      await keep(ctx, stage, collection, key, items[b]);
      out[i] = { key, item: slim(items[b]) };
      o.onItem?.(++done);
    }
    pending = [];
  };
  for (let i = 0; i < jobs.length; i++) {
    checkCancelled(o.signal);
    const key = await f.key(jobs[i]);
    const hit = await lookup<M>(ctx, stage, collection, key, { bytes: !f.dropBytes });
    if (hit) {
      out[i] = { key, item: slim(hit) };
      o.onItem?.(++done);
    } else {
      pending.push({ i, key });
      if (pending.length === batch) await flush();
    }
  }
  await flush();
  return out;
}
