/**
 * The browser Store: one IndexedDB database, one object store per collection, each record
 * `{meta, size, bytes, data?: Blob}` keyed by its string key. Blobs let Chrome keep image bytes
 * out of the structured-clone path. Schema versions are IndexedDB versions; migrations run in the
 * upgrade transaction, so a failed migration leaves the old database untouched.
 */
import { type IDBPDatabase, type IDBPTransaction, openDB } from 'idb';
import { ConfigError } from '../core/errors.ts';
import { budgetedWrite, UsageTally } from './quota.ts';
import { type Migration, migrationsFrom, SCHEMA, type Schema } from './schema.ts';
import {
  type CollectionUsage,
  checkKey,
  type JsonObject,
  recordBytes,
  type Store,
  type StoredRecord,
  type StoreOptions,
} from './store.ts';

interface Row {
  meta: JsonObject;
  size: number;
  bytes: number;
  data?: Blob;
}

type Db = IDBPDatabase<unknown>;
type UpgradeTx = IDBPTransaction<unknown, string[], 'versionchange'>;

export interface IdbStoreOptions<C extends string> extends StoreOptions {
  /** Database name; one per app (tests use a fresh one each). */
  name?: string;
  schema?: Schema<C>;
}

export async function openIdbStore<C extends string = (typeof SCHEMA.collections)[number]>(
  o: IdbStoreOptions<C> = {},
): Promise<Store<C>> {
  const schema = (o.schema ?? SCHEMA) as Schema<C>;
  const name = o.name ?? 'autogenda';
  let db: Db;
  let failed: unknown;
  try {
    db = await openDB(name, schema.version, {
      upgrade(d, oldVersion, _newVersion, tx) {
        // Only IDB requests are awaited inside, so the upgrade transaction stays open; a failing
        // migration aborts it and the database keeps its old version and data.
        runSteps(d, tx as unknown as UpgradeTx, oldVersion, schema, name).catch((e) => {
          failed = e;
          tx.done.catch(() => {}); // the abort is reported through `failed`
          tx.abort();
        });
      },
      blocking() {
        db?.close(); // another tab upgrades the schema: let it
      },
    });
  } catch (e) {
    if (failed) throw failed;
    if ((e as Error)?.name === 'VersionError') {
      throw new ConfigError(
        `IndexedDB '${name}' was written by a newer AutoGenDA (this one reads schema ${schema.version}); reload the latest version of the app`,
      );
    }
    throw e;
  }
  return new IdbStore<C>(db, o.maxBytes);
}

async function runSteps(d: Db, tx: UpgradeTx, from: number, schema: Schema, name: string): Promise<void> {
  const steps: Migration[] = migrationsFrom(schema, from, `IndexedDB '${name}'`);
  for (const m of steps) {
    for (const c of m.create ?? []) if (!d.objectStoreNames.contains(c)) d.createObjectStore(c);
    for (const c of m.drop ?? []) if (d.objectStoreNames.contains(c)) d.deleteObjectStore(c);
    if (m.mapMeta) {
      const { collection, fn } = m.mapMeta;
      let cur = await tx.objectStore(collection).openCursor();
      while (cur) {
        const row = cur.value as Row;
        const meta = fn(row.meta, String(cur.key));
        await cur.update({ ...row, meta, bytes: row.size + JSON.stringify(meta).length });
        cur = await cur.continue();
      }
    }
  }
}

class IdbStore<C extends string> implements Store<C> {
  private tally?: Promise<UsageTally>;

  constructor(
    private readonly db: Db,
    private readonly maxBytes?: number,
  ) {}

  private usageTally(): Promise<UsageTally> {
    this.tally ??= (async () => {
      const t = new UsageTally();
      for (const c of this.db.objectStoreNames) {
        let count = 0;
        let bytes = 0;
        let cur = await this.db.transaction(c).store.openCursor();
        while (cur) {
          count++;
          bytes += (cur.value as Row).bytes;
          cur = await cur.continue();
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
    const old = (await this.db.get(collection, key)) as Row | undefined;
    const delta = bytes - (old?.bytes ?? 0);
    const t = await this.usageTally();
    const row: Row = { meta, size: data?.length ?? 0, bytes };
    if (data) row.data = new Blob([data as Uint8Array<ArrayBuffer>]);
    const o = { collection, key, bytes, delta, isNew: !old, maxBytes: this.maxBytes };
    await budgetedWrite(t, o, async () => {
      await this.db.put(collection, row, key);
    });
  }

  async get<M extends JsonObject = JsonObject>(
    collection: C,
    key: string,
  ): Promise<StoredRecord<M> | undefined> {
    const row = (await this.db.get(collection, key)) as Row | undefined;
    return row && { key, meta: row.meta as M, size: row.size };
  }

  async data(collection: C, key: string): Promise<Uint8Array | undefined> {
    const row = (await this.db.get(collection, key)) as Row | undefined;
    return row?.data && new Uint8Array(await row.data.arrayBuffer());
  }

  async has(collection: C, key: string): Promise<boolean> {
    return (await this.db.getKey(collection, key)) !== undefined;
  }

  async keys(collection: C, prefix?: string): Promise<string[]> {
    const range = prefix ? IDBKeyRange.bound(prefix, `${prefix}\uffff`) : undefined;
    const all = (await this.db.getAllKeys(collection, range)).map(String);
    return prefix ? all.filter((k) => k.startsWith(prefix)) : all;
  }

  async delete(collection: C, key: string): Promise<void> {
    const old = (await this.db.get(collection, key)) as Row | undefined;
    if (!old) return;
    await this.db.delete(collection, key);
    (await this.usageTally()).add(collection, -old.bytes, -1);
  }

  async deletePrefix(collection: C, prefix: string): Promise<number> {
    const keys = await this.keys(collection, prefix);
    for (const k of keys) await this.delete(collection, k);
    return keys.length;
  }

  async usage(): Promise<CollectionUsage[]> {
    return (await this.usageTally()).list();
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
