/** node:fs adapters for the unit tests: the store's FsAdapter (with a fault hook, e.g. a full disk) and a DirWalker. */
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import type { DirWalker } from '../../src/pipeline/import/folder.ts';
import { type FsAdapter, tempName } from '../../src/storage/fs-adapter.ts';

export function nodeFs(fault?: (op: 'write', path: string) => void): FsAdapter {
  return {
    async readFile(p) {
      try {
        return new Uint8Array(await readFile(p));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw e;
      }
    },
    async writeFile(p, d) {
      fault?.('write', p);
      const tmp = tempName(p);
      await writeFile(tmp, d);
      await rename(tmp, p);
    },
    async remove(p) {
      await rm(p, { force: true });
    },
    async list(dir) {
      try {
        return (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw e;
      }
    },
    async mkdirp(dir) {
      await mkdir(dir, { recursive: true });
    },
    async mtime(p) {
      try {
        return (await stat(p)).mtimeMs;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw e;
      }
    },
  };
}

/** What Node throws when the disk is full. */
export function enospc(path: string): Error {
  return Object.assign(new Error(`ENOSPC: no space left on device, open '${path}'`), { code: 'ENOSPC' });
}

/** DirWalker on node:fs: a real folder of class sub-folders for the import tests. */
export function nodeWalker(): DirWalker {
  return {
    async *walk(root) {
      const stack = [''];
      while (stack.length) {
        const rel = stack.pop() as string;
        for (const e of await readdir(rel ? `${root}/${rel}` : root, { withFileTypes: true })) {
          const path = rel ? `${rel}/${e.name}` : e.name;
          if (e.isDirectory()) {
            stack.push(path);
            yield { path, kind: 'dir', size: 0 };
          } else if (e.isFile()) yield { path, kind: 'file', size: (await stat(`${root}/${path}`)).size };
        }
      }
    },
    read: async (p) => new Uint8Array(await readFile(p)),
  };
}
