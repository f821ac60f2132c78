/**
 * Where downloaded model files live: OPFS in the browser, a directory in Deno, memory in tests.
 * A file is first a *partial* (appendable, resumable); `commit` marks it complete after its size and
 * hash were verified, and only complete files are ever read as models. Keys are
 * `<model id>/<path in the manifest>`.
 */

export interface StoredMeta {
  key: string;
  size: number;
  sha256: string;
  /** Where it was downloaded from. */
  url: string;
  /** Milliseconds since the epoch. */
  savedAt: number;
}

export interface PartialWriter {
  write(chunk: Uint8Array): Promise<void>;
  /** Keeps what was written (so a later download can resume from it). */
  close(): Promise<void>;
}

export interface ModelStore {
  /** Metadata of a complete file, undefined when there is none. */
  meta(key: string): Promise<StoredMeta | undefined>;
  /** The bytes of a complete file. */
  read(key: string): Promise<Uint8Array>;
  /** Bytes held for an unfinished download (0 when none). */
  partialSize(key: string): Promise<number>;
  /** The partial's bytes in order (to re-hash them before resuming). */
  readPartial(key: string): AsyncIterable<Uint8Array>;
  /** Append from byte `from`; anything after it is dropped first. */
  openPartial(key: string, from: number): Promise<PartialWriter>;
  /** Mark the partial complete; after this `meta` returns `meta`. */
  commit(key: string, meta: Omit<StoredMeta, 'key'>): Promise<void>;
  /** Forget a file, complete or partial. */
  delete(key: string): Promise<void>;
  /** Complete files. */
  list(): Promise<StoredMeta[]>;
}

/**
 * A small file we write ourselves next to a model's files (its check result), committed like a
 * download so it is listed, read and cleared with the model.
 */
export async function putFile(
  store: ModelStore,
  key: string,
  bytes: Uint8Array,
  sha256: string,
): Promise<void> {
  const w = await store.openPartial(key, 0);
  await w.write(bytes);
  await w.close();
  await store.commit(key, { size: bytes.length, sha256, url: 'autogenda:local', savedAt: Date.now() });
}

/** Cached files of one model (by manifest id). */
export async function listModel(store: ModelStore, id: string): Promise<StoredMeta[]> {
  return (await store.list()).filter((m) => m.key.startsWith(`${id}/`));
}

/** Removes every cached file of one model, or of all models; returns the bytes freed. */
export async function clearModels(store: ModelStore, id?: string): Promise<number> {
  const files = id === undefined ? await store.list() : await listModel(store, id);
  let freed = 0;
  for (const f of files) {
    await store.delete(f.key);
    freed += f.size;
  }
  return freed;
}

/** In-memory store: tests, and a last resort where no persistent storage exists. */
export class MemoryStore implements ModelStore {
  private readonly partials = new Map<string, Uint8Array[]>();
  private readonly done = new Map<string, { meta: StoredMeta; bytes: Uint8Array }>();

  async meta(key: string) {
    return this.done.get(key)?.meta;
  }

  async read(key: string) {
    const f = this.done.get(key);
    if (!f) throw new Error(`MemoryStore: no complete file '${key}'`);
    return f.bytes;
  }

  async partialSize(key: string) {
    return (this.partials.get(key) ?? []).reduce((n, c) => n + c.length, 0);
  }

  async *readPartial(key: string) {
    yield* this.partials.get(key) ?? [];
  }

  async openPartial(key: string, from: number): Promise<PartialWriter> {
    const all = concat(this.partials.get(key) ?? []);
    const chunks = [all.subarray(0, Math.min(from, all.length))];
    this.partials.set(key, chunks);
    return {
      write: async (c) => {
        chunks.push(c.slice());
      },
      close: async () => {},
    };
  }

  async commit(key: string, meta: Omit<StoredMeta, 'key'>) {
    this.done.set(key, { meta: { key, ...meta }, bytes: concat(this.partials.get(key) ?? []) });
    this.partials.delete(key);
  }

  async delete(key: string) {
    this.partials.delete(key);
    this.done.delete(key);
  }

  async list() {
    return [...this.done.values()].map((f) => f.meta);
  }

  /** Test hook: flip one byte of a stored file, as disk corruption would. */
  corrupt(key: string, at = 0): void {
    const f = this.done.get(key);
    if (f) {
      f.bytes[at] ^= 0xff;
      return;
    }
    let off = at;
    for (const c of this.partials.get(key) ?? []) {
      if (off < c.length) {
        c[off] ^= 0xff;
        return;
      }
      off -= c.length;
    }
  }
}

export function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}
