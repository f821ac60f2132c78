/**
 * The Deno Store: a directory with `schema.json` and one sub-directory per collection; a record is
 * `<name>.json` (`{key, meta, size}`) plus `<name>.bin` for its bytes. The `.bin` is written first
 * and the `.json` last (each atomically), so a record whose `.json` exists is complete; a stray
 * `.bin` from a crash is invisible and overwritten next time.
 */
import { ConfigError } from '../core/errors.ts';
import type { FsAdapter } from './fs-adapter.ts';
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

interface Head {
  key: string;
  meta: JsonObject;
  size: number;
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
          const h = (await this.head(c, k)) as Head;
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
      await this.fs.remove(this.path(collection, key, '.json')); // never a new .bin under an old head
      if (data) await this.fs.writeFile(this.path(collection, key, '.bin'), data);
      else await this.fs.remove(this.path(collection, key, '.bin'));
      await this.writeHead(collection, { key, meta, size: data?.length ?? 0 });
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
    const h = await this.head(collection, key);
    if (!h || h.size === 0) return undefined;
    return this.fs.readFile(this.path(collection, key, '.bin'));
  }

  async has(collection: C, key: string): Promise<boolean> {
    return (await this.head(collection, key)) !== undefined;
  }

  async keys(collection: C, prefix = ''): Promise<string[]> {
    const out: string[] = [];
    for (const n of await this.fs.list(`${this.root}/${collection}`)) {
      if (!n.endsWith('.json')) continue;
      const stem = n.slice(0, -5);
      const key = stem.includes('~')
        ? (
            JSON.parse(
              dec.decode((await this.fs.readFile(`${this.root}/${collection}/${n}`)) as Uint8Array),
            ) as Head
          ).key
        : decodeURIComponent(stem);
      if (key.startsWith(prefix)) out.push(key);
    }
    return out.sort();
  }

  async delete(collection: C, key: string): Promise<void> {
    const old = await this.head(collection, key);
    if (!old) return;
    await this.fs.remove(this.path(collection, key, '.json'));
    await this.fs.remove(this.path(collection, key, '.bin'));
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
