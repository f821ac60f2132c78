/** FsAdapter on Deno's file API (the CLI), reached through globalThis so no Deno types are needed. */
import { type FsAdapter, tempName } from './fs-adapter.ts';

interface DenoFs {
  readFile(p: string): Promise<Uint8Array>;
  writeFile(p: string, d: Uint8Array): Promise<void>;
  rename(a: string, b: string): Promise<void>;
  remove(p: string): Promise<void>;
  mkdir(p: string, o: { recursive: boolean }): Promise<void>;
  readDir(p: string): AsyncIterable<{ name: string; isFile: boolean }>;
  stat(p: string): Promise<{ mtime: Date | null }>;
  errors: { NotFound: new () => Error };
}

const deno = () => (globalThis as unknown as { Deno: DenoFs }).Deno;

async function quiet<T>(f: () => Promise<T>): Promise<T | undefined> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof deno().errors.NotFound) return undefined;
    throw e;
  }
}

export const denoFs: FsAdapter = {
  readFile: (p) => quiet(() => deno().readFile(p)),
  async writeFile(p, d) {
    const tmp = tempName(p);
    try {
      await deno().writeFile(tmp, d);
      await deno().rename(tmp, p);
    } catch (e) {
      await quiet(() => deno().remove(tmp)); // e.g. a full disk: leave no half file behind
      throw e;
    }
  },
  async remove(p) {
    await quiet(() => deno().remove(p));
  },
  async list(dir) {
    const out: string[] = [];
    const it = await quiet(async () => {
      for await (const e of deno().readDir(dir)) if (e.isFile) out.push(e.name);
      return true;
    });
    return it ? out : [];
  },
  async mkdirp(dir) {
    await deno().mkdir(dir, { recursive: true });
  },
  async mtime(p) {
    return (await quiet(() => deno().stat(p)))?.mtime?.getTime();
  },
};
