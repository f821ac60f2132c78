/**
 * ModelStore in a directory (Deno CLI): `<key>.data` + `<key>.json` commit record, as in OPFS.
 * Uses Deno's own file API through a narrow interface, so no Node built-in is imported.
 */
import type { ModelStore, PartialWriter, StoredMeta } from './store.ts';

interface DenoFile {
  write(b: Uint8Array): Promise<number>;
  truncate(n: number): Promise<void>;
  seek(n: number, whence: number): Promise<number>;
  close(): void;
  readable: ReadableStream<Uint8Array>;
}
interface DenoFs {
  open(p: string, o: { read?: boolean; write?: boolean; create?: boolean }): Promise<DenoFile>;
  readFile(p: string): Promise<Uint8Array>;
  readTextFile(p: string): Promise<string>;
  writeTextFile(p: string, s: string): Promise<void>;
  stat(p: string): Promise<{ size: number }>;
  remove(p: string): Promise<void>;
  mkdir(p: string, o: { recursive: boolean }): Promise<void>;
  readDir(p: string): AsyncIterable<{ name: string; isFile: boolean }>;
  errors: { NotFound: new () => Error };
}

const deno = () => (globalThis as unknown as { Deno: DenoFs }).Deno;

export class DirectoryStore implements ModelStore {
  private ready?: Promise<void>;

  constructor(private readonly dir: string) {}

  private async path(key: string, ext: string): Promise<string> {
    this.ready ??= deno().mkdir(this.dir, { recursive: true });
    await this.ready;
    return `${this.dir}/${encodeURIComponent(key)}${ext}`;
  }

  private async quiet<T>(f: () => Promise<T>): Promise<T | undefined> {
    try {
      return await f();
    } catch (e) {
      if (e instanceof deno().errors.NotFound) return undefined;
      throw e;
    }
  }

  async meta(key: string): Promise<StoredMeta | undefined> {
    const p = await this.path(key, '.json');
    const text = await this.quiet(() => deno().readTextFile(p));
    return text === undefined ? undefined : (JSON.parse(text) as StoredMeta);
  }

  async read(key: string): Promise<Uint8Array> {
    return deno().readFile(await this.path(key, '.data'));
  }

  async partialSize(key: string): Promise<number> {
    const p = await this.path(key, '.data');
    return (await this.quiet(() => deno().stat(p)))?.size ?? 0;
  }

  async *readPartial(key: string): AsyncIterable<Uint8Array> {
    const p = await this.path(key, '.data');
    const f = await this.quiet(() => deno().open(p, { read: true }));
    if (!f) return;
    const reader = f.readable.getReader(); // closes the file when done
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  }

  async openPartial(key: string, from: number): Promise<PartialWriter> {
    const meta = await this.path(key, '.json');
    await this.quiet(() => deno().remove(meta));
    const f = await deno().open(await this.path(key, '.data'), { write: true, create: true });
    await f.truncate(from);
    await f.seek(from, 0);
    return {
      write: async (c) => {
        let off = 0;
        while (off < c.length) off += await f.write(c.subarray(off));
      },
      close: async () => f.close(),
    };
  }

  async commit(key: string, meta: Omit<StoredMeta, 'key'>): Promise<void> {
    await deno().writeTextFile(await this.path(key, '.json'), JSON.stringify({ key, ...meta }));
  }

  async delete(key: string): Promise<void> {
    for (const ext of ['.json', '.data']) {
      const p = await this.path(key, ext);
      await this.quiet(() => deno().remove(p));
    }
  }

  async list(): Promise<StoredMeta[]> {
    await this.path('', '');
    const out: StoredMeta[] = [];
    for await (const e of deno().readDir(this.dir)) {
      if (e.isFile && e.name.endsWith('.json')) {
        out.push(JSON.parse(await deno().readTextFile(`${this.dir}/${e.name}`)));
      }
    }
    return out;
  }
}
