/**
 * The one caching rule of the pipeline: look the key up, else compute and store it at once, so a run
 * killed half-way keeps every finished item and the next run starts at the first missing one.
 */
import type { StageName } from '../core/progress.ts';
import type { Collection } from '../storage/schema.ts';
import type { JsonObject, Store } from '../storage/store.ts';
import { count, type Tally } from './tally.ts';

export interface Item<M extends JsonObject = JsonObject> {
  meta: M;
  data?: Uint8Array;
  /** The stored bytes' length, where they were not read (lookup with bytes: false). */
  size?: number;
}

export interface MemoContext {
  store: Store<Collection>;
  tally: Tally;
}

/**
 * The stored item under `key` (counted as cached), or undefined when it is missing or incomplete.
 * `bytes: false` reads only the record (a store write is atomic, so a record names bytes that exist):
 * a warm run that keeps no candidate PNGs or feature values does not read 84,000 files to drop them.
 */
export async function lookup<M extends JsonObject>(
  ctx: MemoContext,
  stage: StageName,
  collection: Collection,
  key: string,
  o: { bytes?: boolean } = {},
): Promise<Item<M> | undefined> {
  const rec = await ctx.store.get<M>(collection, key);
  if (!rec) return undefined;
  if (o.bytes === false) {
    count(ctx.tally, stage, true);
    return { meta: rec.meta, size: rec.size };
  }
  const data = rec.size > 0 ? await ctx.store.data(collection, key) : undefined;
  if (rec.size > 0 && !data) return undefined;
  count(ctx.tally, stage, true);
  return { meta: rec.meta, data };
}

/** Stores a computed item at once (counted as computed). */
export async function keep(
  ctx: MemoContext,
  stage: StageName,
  collection: Collection,
  key: string,
  item: Item,
): Promise<void> {
  await ctx.store.put(collection, key, item.meta, item.data);
  count(ctx.tally, stage, false);
}

export async function memo<M extends JsonObject>(
  ctx: MemoContext,
  stage: StageName,
  collection: Collection,
  key: string,
  compute: () => Promise<Item<M>>,
): Promise<Item<M>> {
  const hit = await lookup<M>(ctx, stage, collection, key);
  if (hit) return hit;
  const item = await compute();
  await keep(ctx, stage, collection, key, item);
  return item;
}

/** Float32 values as bytes for the store, and back (copied: store bytes may be unaligned). */
export const f32Bytes = (a: Float32Array): Uint8Array =>
  new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));
export const bytesF32 = (b: Uint8Array): Float32Array =>
  new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
