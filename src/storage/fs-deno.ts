/** FsAdapter on Deno's file API (the CLI), reached through globalThis so no Deno types are needed. */
import type { FsAdapter } from './fs-adapter.ts';

interface DenoFs {
  readFile(p: string): Promise<Uint8Array>;
  writeFile(p: string, d: Uint8Array): Promise<void>;
  rename(a: string, b: string): Promise<void>;
  remove(p: string): Promise<void>;
  mkdir(p: string, o: { recursive: boolean }): Promise<void>;
  readDir(p: string): AsyncIterable<{ name: string; isFile: boolean }>;
  errors: { NotFound: new () => Error };
  pid: number;
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

let seq = 0;

export const denoFs: FsAdapter = {
  readFile: (p) => quiet(() => deno().readFile(p)),
  async writeFile(p, d) {
    const tmp = `${p}.${deno().pid}.${seq++}.tmp`;
    await deno().writeFile(tmp, d);
    await deno().rename(tmp, p);
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
};
