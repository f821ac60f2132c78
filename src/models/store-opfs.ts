/**
 * ModelStore on the Origin Private File System (browser). `<key>.data` holds the bytes (a partial
 * until `<key>.json` exists); `<key>.json` is the commit record written last. In a worker, writes go
 * through a sync access handle (in place, flushed every 32 MiB, so a crash loses little); on the main
 * thread through a writable stream.
 */
import type { ModelStore, PartialWriter, StoredMeta } from './store.ts';

const FLUSH_EVERY = 32 << 20;
const enc = (key: string) => encodeURIComponent(key);

type SyncHandle = {
  truncate(n: number): void;
  write(b: Uint8Array, o: { at: number }): number;
  flush(): void;
  close(): void;
};

export class OpfsStore implements ModelStore {
  private dir?: Promise<FileSystemDirectoryHandle>;

  constructor(private readonly folder = 'autogenda-models') {}

  private root(): Promise<FileSystemDirectoryHandle> {
    this.dir ??= navigator.storage
      .getDirectory()
      .then((r) => r.getDirectoryHandle(this.folder, { create: true }));
    return this.dir;
  }

  private async handle(name: string, create = false): Promise<FileSystemFileHandle | undefined> {
    try {
      return await (await this.root()).getFileHandle(name, { create });
    } catch (e) {
      if ((e as Error).name === 'NotFoundError') return undefined;
      throw e;
    }
  }

  async meta(key: string): Promise<StoredMeta | undefined> {
    const h = await this.handle(`${enc(key)}.json`);
    return h ? (JSON.parse(await (await h.getFile()).text()) as StoredMeta) : undefined;
  }

  async read(key: string): Promise<Uint8Array> {
    const h = await this.handle(`${enc(key)}.data`);
    if (!h) throw new Error(`OPFS: no file for '${key}'`);
    return new Uint8Array(await (await h.getFile()).arrayBuffer());
  }

  async partialSize(key: string): Promise<number> {
    const h = await this.handle(`${enc(key)}.data`);
    return h ? (await h.getFile()).size : 0;
  }

  async *readPartial(key: string): AsyncIterable<Uint8Array> {
    const h = await this.handle(`${enc(key)}.data`);
    if (!h) return;
    const reader = (await h.getFile()).stream().getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  }

  async openPartial(key: string, from: number): Promise<PartialWriter> {
    await this.remove(`${enc(key)}.json`); // no longer complete
    const h = (await this.handle(`${enc(key)}.data`, true))!;
    const sync = (h as unknown as { createSyncAccessHandle?: () => Promise<SyncHandle> })
      .createSyncAccessHandle;
    if (
      typeof sync === 'function' &&
      typeof (globalThis as { document?: unknown }).document === 'undefined'
    ) {
      const s = await sync.call(h);
      s.truncate(from);
      let at = from;
      let sinceFlush = 0;
      return {
        write: async (c) => {
          at += s.write(c, { at });
          sinceFlush += c.length;
          if (sinceFlush >= FLUSH_EVERY) {
            s.flush();
            sinceFlush = 0;
          }
        },
        close: async () => {
          s.flush();
          s.close();
        },
      };
    }
    const w = await h.createWritable({ keepExistingData: true });
    await w.truncate(from);
    await w.seek(from);
    return { write: (c) => w.write(c as Uint8Array<ArrayBuffer>), close: () => w.close() };
  }

  async commit(key: string, meta: Omit<StoredMeta, 'key'>): Promise<void> {
    const w = await (await this.handle(`${enc(key)}.json`, true))!.createWritable();
    await w.write(JSON.stringify({ key, ...meta }));
    await w.close();
  }

  private async remove(name: string): Promise<void> {
    try {
      await (await this.root()).removeEntry(name);
    } catch (e) {
      if ((e as Error).name !== 'NotFoundError') throw e;
    }
  }

  async delete(key: string): Promise<void> {
    await this.remove(`${enc(key)}.json`);
    await this.remove(`${enc(key)}.data`);
  }

  async list(): Promise<StoredMeta[]> {
    const out: StoredMeta[] = [];
    const dir = (await this.root()) as unknown as { values(): AsyncIterable<FileSystemHandle> };
    for await (const h of dir.values()) {
      if (h.kind === 'file' && h.name.endsWith('.json')) {
        out.push(JSON.parse(await (await (h as FileSystemFileHandle).getFile()).text()));
      }
    }
    return out;
  }
}
