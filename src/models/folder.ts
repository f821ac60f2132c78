/**
 * Local-folder sources (offline use): a directory the user picked in the browser, or a path in Deno.
 * Files are read in place; nothing is copied into the cache.
 */
import type { FolderSource } from './fetch.ts';

export function directoryHandleSource(root: FileSystemDirectoryHandle): FolderSource {
  return {
    async read(path) {
      try {
        let dir = root;
        const parts = path.split('/');
        for (const p of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(p);
        const file = await (await dir.getFileHandle(parts.at(-1)!)).getFile();
        return new Uint8Array(await file.arrayBuffer());
      } catch (e) {
        if ((e as Error).name === 'NotFoundError' || (e as Error).name === 'TypeMismatchError')
          return undefined;
        throw e;
      }
    },
  };
}

export function denoFolderSource(dir: string): FolderSource {
  const deno = (globalThis as unknown as { Deno: { readFile(p: string): Promise<Uint8Array> } }).Deno;
  return {
    async read(path) {
      try {
        return await deno.readFile(`${dir}/${path}`);
      } catch (e) {
        if ((e as Error).name === 'NotFound') return undefined;
        throw e;
      }
    },
  };
}
