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
}

export interface MemoContext {
  store: Store<Collection>;
  tally: Tally;
}

export async function memo<M extends JsonObject>(
  ctx: MemoContext,
  stage: StageName,
  collection: Collection,
  key: string,
  compute: () => Promise<Item<M>>,
): Promise<Item<M>> {
  const rec = await ctx.store.get<M>(collection, key);
  if (rec) {
    const data = rec.size > 0 ? await ctx.store.data(collection, key) : undefined;
    if (rec.size === 0 || data) {
      count(ctx.tally, stage, true);
      return { meta: rec.meta, data };
    }
  }
  const item = await compute();
  await ctx.store.put(collection, key, item.meta, item.data);
  count(ctx.tally, stage, false);
  return item;
}

/** Float32 values as bytes for the store, and back (copied: store bytes may be unaligned). */
export const f32Bytes = (a: Float32Array): Uint8Array =>
  new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));
export const bytesF32 = (b: Uint8Array): Float32Array =>
  new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
