/** DirWalker on Deno's file API (the CLI), reached through globalThis so no Deno types are needed. */
import type { DirWalker, WalkItem } from './folder.ts';

interface DenoDirs {
  readDir(p: string): AsyncIterable<{ name: string; isFile: boolean; isDirectory: boolean }>;
  stat(p: string): Promise<{ size: number }>;
  readFile(p: string): Promise<Uint8Array>;
}

const deno = () => (globalThis as unknown as { Deno: DenoDirs }).Deno;

export const denoWalker: DirWalker = {
  async *walk(root: string): AsyncIterable<WalkItem> {
    const stack = [''];
    while (stack.length) {
      const rel = stack.pop() as string;
      for await (const e of deno().readDir(rel ? `${root}/${rel}` : root)) {
        const path = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory) {
          stack.push(path);
          yield { path, kind: 'dir', size: 0 };
        } else if (e.isFile) yield { path, kind: 'file', size: (await deno().stat(`${root}/${path}`)).size };
      }
    }
  },
  read: (p) => deno().readFile(p),
};
