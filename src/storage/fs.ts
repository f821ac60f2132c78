/**
 * The Deno Store: a directory with `schema.json` and one sub-directory per collection; a record is
 * `<name>.json` (the head: `{key, meta, size, bin}`) plus, when it has bytes, `<name>.<token>.bin`, a file
 * named afresh by every put. The bytes are written first, then the head is renamed into place, so the
 * head is the one commit point: a reader sees the old record or the new one, never a mix, and two
 * processes writing the same key (sharded runs on one shared folder) leave one whole value — the last
 * head renamed, with the bytes it names. Replaced bytes are removed after the new head is in place; a
 * reader that loses that race reads the head again. Files of crashed writers (`.tmp`, unreferenced
 * `.bin`) are never read and `sweepFsStore` removes them once stale. Heads without `bin` (stores
 * written before) name `<name>.bin`.
 */
import { ConfigError } from '../core/errors.ts';
import { type FsAdapter, uniqueToken } from './fs-adapter.ts';
import { budgetedWrite, UsageTally } from './quota.ts';
import { migrationsFrom, SCHEMA, type Schema } from './schema.ts';
import {
  type CollectionUsage,
  checkKey,
  type JsonObject,
  recordBytes,
  type Store,
  type StoredRecord,
  type StoreOptions,
} from './store.ts';

export interface Head {
  key: string;
  meta: JsonObject;
  size: number;
  /** File name of the bytes in the collection's folder (absent: `<name>.bin`, the older layout). */
  bin?: string;
}

/** The bytes file a head names, or undefined when it has none. */
export function binOf(h: Head): string | undefined {
  if (h.size === 0) return undefined;
  return h.bin ?? `${fileNameOf(h.key)}.bin`;
}

const enc = new TextEncoder();
const dec = new TextDecoder();
const MAX_NAME = 180; // below the usual 255-byte file-name limit, leaving room for suffixes

/** Reversible for ordinary keys; long ones become a prefix plus a hash marked by '~' (read back from the .json). */
export function fileNameOf(key: string): string {
  const name = encodeURIComponent(key).replace(/[~.]/g, (c) => (c === '~' ? '%7E' : '%2E'));
  if (name.length <= MAX_NAME) return name;
  let h = 0x811c9dc5; // FNV-1a, twice with different seeds: a name collision needs both to collide
  let g = 0x01000193;
  for (let i = 0; i < key.length; i++) {
    h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
    g = Math.imul(g ^ key.charCodeAt(i), 0x811c9dc5) >>> 0;
  }
  return `${name.slice(0, 150).replace(/%[0-9A-F]?$/, '')}~${h.toString(16)}${g.toString(16)}`;
}

export async function openFsStore<C extends string = (typeof SCHEMA.collections)[number]>(
  fs: FsAdapter,
  root: string,
  o: StoreOptions & { schema?: Schema<C> } = {},
): Promise<Store<C>> {
  const schema = (o.schema ?? SCHEMA) as Schema<C>;
  await fs.mkdirp(root);
  const schemaFile = `${root}/schema.json`;
  const raw = await fs.readFile(schemaFile);
  let from = 0;
  if (raw) {
    const v = (JSON.parse(dec.decode(raw)) as { version?: unknown }).version;
    if (typeof v !== 'number')
      throw new ConfigError(`${schemaFile}: no schema version; is this an AutoGenDA store?`);
    from = v;
  }
  const steps = migrationsFrom(schema, from, `store '${root}'`);
  const store = new FsStore<C>(fs, root, schema.collections, o.maxBytes);
  for (const m of steps) {
    for (const c of m.create ?? []) await fs.mkdirp(`${root}/${c}`);
    for (const c of m.drop ?? []) await store.clear(c as C);
    if (m.mapMeta) {
      const { collection, fn } = m.mapMeta;
      for (const k of await store.keys(collection as C)) {
        const h = (await store.head(collection as C, k)) as Head;
        await store.writeHead(collection as C, { ...h, meta: fn(h.meta, k) });
      }
    }
    // Recorded per step: an interrupted upgrade resumes at the step that did not finish.
    await fs.writeFile(schemaFile, enc.encode(JSON.stringify({ version: m.to })));
  }
  if (!raw && steps.length === 0)
    await fs.writeFile(schemaFile, enc.encode(JSON.stringify({ version: schema.version })));
  return store;
}

class FsStore<C extends string> implements Store<C> {
  private tally?: Promise<UsageTally>;
  /** Collections whose folder this process has made sure of (a user may delete one to redo a stage). */
  private readonly made = new Set<C>();

  constructor(
    private readonly fs: FsAdapter,
    private readonly root: string,
    private readonly collections: readonly C[],
    private readonly maxBytes?: number,
  ) {}

  private path(c: C, key: string, ext: string): string {
    return `${this.root}/${c}/${fileNameOf(key)}${ext}`;
  }

  async head(c: C, key: string): Promise<Head | undefined> {
    const raw = await this.fs.readFile(this.path(c, key, '.json'));
    return raw && (JSON.parse(dec.decode(raw)) as Head);
  }

  async writeHead(c: C, h: Head): Promise<void> {
    await this.fs.writeFile(this.path(c, h.key, '.json'), enc.encode(JSON.stringify(h)));
  }

  async clear(c: C): Promise<void> {
    for (const n of await this.fs.list(`${this.root}/${c}`)) await this.fs.remove(`${this.root}/${c}/${n}`);
  }

  private usageTally(): Promise<UsageTally> {
    this.tally ??= (async () => {
      const t = new UsageTally();
      for (const c of this.collections) {
        let count = 0;
        let bytes = 0;
        for (const k of await this.keys(c)) {
          const h = await this.head(c, k);
          if (!h) continue; // deleted by another process since the listing
          count++;
          bytes += h.size + JSON.stringify(h.meta).length;
        }
        t.set({ collection: c, count, bytes });
      }
      return t;
    })();
    return this.tally;
  }

  async put(collection: C, key: string, meta: JsonObject, data?: Uint8Array): Promise<void> {
    checkKey(key);
    const bytes = recordBytes(meta, data);
    const old = await this.head(collection, key);
    const delta = bytes - (old ? old.size + JSON.stringify(old.meta).length : 0);
    const t = await this.usageTally();
    const o = { collection, key, bytes, delta, isNew: !old, maxBytes: this.maxBytes };
    await budgetedWrite(t, o, async () => {
      const dir = `${this.root}/${collection}`;
      if (!this.made.has(collection)) {
        await this.fs.mkdirp(dir);
        this.made.add(collection);
      }
      const bin = data?.length ? `${fileNameOf(key)}.${uniqueToken()}.bin` : undefined;
      if (data?.length && bin) await this.fs.writeFile(`${dir}/${bin}`, data);
      await this.writeHead(collection, { key, meta, size: data?.length ?? 0, ...(bin ? { bin } : {}) });
      const stale = old && binOf(old);
      if (stale && stale !== bin) await this.fs.remove(`${dir}/${stale}`);
    });
  }

  async get<M extends JsonObject = JsonObject>(
    collection: C,
    key: string,
  ): Promise<StoredRecord<M> | undefined> {
    const h = await this.head(collection, key);
    return h && { key, meta: h.meta as M, size: h.size };
  }

  async data(collection: C, key: string): Promise<Uint8Array | undefined> {
    // Another process may replace the record between reading the head and its bytes (and remove the
    // bytes that head named): read the new head and try again.
    for (let attempt = 0; attempt < 8; attempt++) {
      const h = await this.head(collection, key);
      const bin = h && binOf(h);
      if (!bin) return undefined;
      const bytes = await this.fs.readFile(`${this.root}/${collection}/${bin}`);
      if (bytes) return bytes;
      const now = await this.head(collection, key);
      if (!now || binOf(now) === bin) return undefined; // deleted, or its bytes lost: no record
    }
    return undefined;
  }

  async has(collection: C, key: string): Promise<boolean> {
    return (await this.head(collection, key)) !== undefined;
  }

  async keys(collection: C, prefix = ''): Promise<string[]> {
    const out: string[] = [];
    for (const n of await this.fs.list(`${this.root}/${collection}`)) {
      if (!n.endsWith('.json')) continue;
      const stem = n.slice(0, -5);
      let key = decodeURIComponent(stem);
      if (stem.includes('~')) {
        const raw = await this.fs.readFile(`${this.root}/${collection}/${n}`);
        if (!raw) continue; // deleted by another process since the listing
        key = (JSON.parse(dec.decode(raw)) as Head).key;
      }
      if (key.startsWith(prefix)) out.push(key);
    }
    return out.sort();
  }

  async delete(collection: C, key: string): Promise<void> {
    const old = await this.head(collection, key);
    if (!old) return;
    await this.fs.remove(this.path(collection, key, '.json'));
    const bin = binOf(old);
    if (bin) await this.fs.remove(`${this.root}/${collection}/${bin}`);
    (await this.usageTally()).add(collection, -(old.size + JSON.stringify(old.meta).length), -1);
  }

  async deletePrefix(collection: C, prefix: string): Promise<number> {
    const keys = await this.keys(collection, prefix);
    for (const k of keys) await this.delete(collection, k);
    return keys.length;
  }

  async usage(): Promise<CollectionUsage[]> {
    return (await this.usageTally()).list();
  }

  async close(): Promise<void> {}
}
