/**
 * Self-checking records for the store's concurrency tests. A value's bytes start with (writer, round,
 * key, length) and end with a checksum of the rest, so the bytes alone tell a whole value from a torn
 * one; the metadata repeats writer, round and checksum, so a head paired with another put's bytes shows.
 * Lengths differ between writers and rounds, so a mix of two values cannot pass.
 */
import type { JsonObject } from '../../src/storage/store.ts';

function fnv(b: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const x of b) h = Math.imul(h ^ x, 0x01000193) >>> 0;
  return h;
}

export function makeValue(
  writer: number,
  round: number,
  key: number,
): { meta: JsonObject; data: Uint8Array } {
  const len = 2000 + ((writer * 7919 + round * 104729 + key * 31) % 97) * 613;
  const data = new Uint8Array(len);
  const view = new DataView(data.buffer);
  for (const [i, v] of [writer, round, key, len].entries()) view.setUint32(4 * i, v);
  let s = (writer * 1_000_003 + round * 7_919 + key * 131) >>> 0;
  for (let i = 16; i < len - 4; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s >>> 24;
  }
  const sum = fnv(data.subarray(0, len - 4));
  view.setUint32(len - 4, sum);
  return { meta: { writer, round, key, len, sum }, data };
}

/** Undefined when the bytes are one whole value of `key`; else what is wrong. */
export function checkBytes(key: number, data: Uint8Array | undefined): string | undefined {
  if (!data) return `key ${key}: no bytes`;
  if (data.length < 20) return `key ${key}: ${data.length} bytes, too short`;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const [w, r, k, len] = [0, 1, 2, 3].map((i) => view.getUint32(4 * i));
  if (k !== key || len !== data.length)
    return `key ${key}: bytes say key ${k}, length ${len}; got ${data.length}`;
  if (fnv(data.subarray(0, len - 4)) !== view.getUint32(len - 4)) return `key ${key}: torn bytes`;
  const want = makeValue(w, r, k).data;
  if (want.some((x, i) => x !== data[i])) return `key ${key}: not writer ${w}'s round ${r}`;
  return undefined;
}

/** Undefined when head and bytes are one whole value of `key`, together; else what is wrong. */
export function checkValue(
  key: number,
  rec: { meta: JsonObject; size: number } | undefined,
  data: Uint8Array | undefined,
): string | undefined {
  if (!rec) return `key ${key}: missing`;
  const bad = checkBytes(key, data);
  if (bad) return bad;
  const m = rec.meta as { key: number; len: number; sum: number };
  const d = data as Uint8Array;
  if (
    m.key !== key ||
    rec.size !== d.length ||
    m.len !== d.length ||
    m.sum !== fnv(d.subarray(0, d.length - 4))
  )
    return `key ${key}: head (${JSON.stringify(m)}, size ${rec.size}) names other bytes`;
  return undefined;
}
