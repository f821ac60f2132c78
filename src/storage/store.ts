/**
 * One storage interface for the whole run: records of JSON metadata with optional bytes (image files,
 * feature arrays, exports), grouped in collections and addressed by string keys — usually content
 * hashes, with `/`-separated prefixes (`<dataset>/<image hash>`) so a run's items can be listed and
 * deleted together. Implementations: IndexedDB (browser, idb.ts) and a directory (Deno, fs.ts).
 * Writes are atomic per record: after a crash a record is either entirely there or absent.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };
export type JsonObject = { [k: string]: JsonValue };

export interface StoredRecord<M extends JsonObject = JsonObject> {
  key: string;
  meta: M;
  /** Length of the bytes, 0 when the record has none. */
  size: number;
}

export interface CollectionUsage {
  collection: string;
  count: number;
  /** Bytes of data plus the JSON metadata, approximately. */
  bytes: number;
}

export interface Store<C extends string = string> {
  /** Insert or replace. Throws QuotaExceededError (naming what to delete) when storage is full. */
  put(collection: C, key: string, meta: JsonObject, data?: Uint8Array): Promise<void>;
  /** Metadata without reading the bytes; undefined when absent. */
  get<M extends JsonObject = JsonObject>(collection: C, key: string): Promise<StoredRecord<M> | undefined>;
  /** The bytes of a record; undefined when the record is absent or has none. */
  data(collection: C, key: string): Promise<Uint8Array | undefined>;
  has(collection: C, key: string): Promise<boolean>;
  /** Sorted keys, optionally only those starting with `prefix`. */
  keys(collection: C, prefix?: string): Promise<string[]>;
  /** No error when absent. */
  delete(collection: C, key: string): Promise<void>;
  /** Deletes every record whose key starts with `prefix`; returns how many. */
  deletePrefix(collection: C, prefix: string): Promise<number>;
  /** Per collection, largest first: what the user could delete to make room. */
  usage(): Promise<CollectionUsage[]>;
  close(): Promise<void>;
}

export interface StoreOptions {
  /**
   * A byte budget the store keeps below (the user's setting, or a test's); puts that would exceed it
   * throw QuotaExceededError like a full disk would. Undefined: only the platform's limit applies.
   */
  maxBytes?: number;
}

/** Approximate stored size of one record: its bytes plus its JSON metadata. */
export function recordBytes(meta: JsonObject, data?: Uint8Array): number {
  return (data?.length ?? 0) + JSON.stringify(meta).length;
}

export function checkKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0) throw new Error('store key must be a non-empty string');
}
