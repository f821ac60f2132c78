/**
 * A run's feature rows read from the store (each row is one stored feature), so the run's bank holds
 * only its index in memory: training uploads the rows to the GPU a slice at a time and reads the test
 * rows a block at a time (issue 14: memory that does not grow with the dataset).
 */
import { gcNudge } from '../ort/gc-nudge.ts';
import type { Collection } from '../storage/schema.ts';
import type { Store } from '../storage/store.ts';
import type { RowSource } from '../train/bank-rows.ts';
import { bytesF32 } from './memo.ts';

/** Bytes of rows read between two collections. */
const COLLECT_BYTES = 16 * 2 ** 20;
/** Reads in flight at once (a store read is a file read in Deno, a transaction in IndexedDB). */
const PARALLEL = 32;

/** `keys[row]` is the store key of the feature in that row. */
export function storeRows(store: Store<Collection>, keys: readonly string[], D: number): RowSource {
  const one = async (row: number, out: Float32Array, at: number) => {
    const key = keys[row];
    const bytes = key === undefined ? undefined : await store.data('features', key);
    if (!bytes) throw new Error(`bank row ${row}: feature ${key ?? '(none)'} is missing from the store`);
    // a view where the bytes are aligned (a whole file read): no copy to collect later
    const f =
      bytes.byteOffset % 4 === 0
        ? new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length >> 2)
        : bytesF32(bytes);
    if (bytes.length % 4 !== 0 || f.length !== D)
      throw new Error(`bank row ${row}: feature ${key} has ${f.length} values, not ${D}`);
    out.set(f, at * D);
  };
  let unCollected = 0;
  return {
    count: keys.length,
    async read(rows) {
      const out = new Float32Array(rows.length * D);
      for (let a = 0; a < rows.length; a += PARALLEL) {
        const part: Promise<void>[] = [];
        for (let i = a; i < Math.min(rows.length, a + PARALLEL); i++) part.push(one(rows[i], out, i));
        await Promise.all(part);
      }
      // Deno frees the store's read buffers late (V8 does not count their memory as pressure): a
      // collection after every COLLECT_BYTES read (no-op where there is no gc to call: browsers). Sample
      // windows re-read their rows every epoch: at 20,000 images, without it, each window's upload
      // left up to 0.2 GB of read buffers behind.
      unCollected += rows.length * 4 * D;
      if (unCollected >= COLLECT_BYTES) {
        unCollected = 0;
        (await gcNudge()).collect();
      }
      return out;
    },
  };
}
