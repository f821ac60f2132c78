/**
 * A folder of class sub-folders as a DatasetSource. The walking is the platform's (a DirWalker:
 * Deno in folder-deno.ts, node:fs in tests); the browser's <input webkitdirectory> gives Files,
 * see filesSource.
 */
import { type DatasetEntry, type DatasetSource, isSystemPath, safePath } from './entry.ts';

export interface WalkItem {
  /** Relative to the root, '/'-separated. */
  path: string;
  kind: 'file' | 'dir';
  size: number;
}

export interface DirWalker {
  /** Every file and folder under `root`, recursively, in any order. */
  walk(root: string): AsyncIterable<WalkItem>;
  read(path: string): Promise<Uint8Array>;
}

export async function folderSource(root: string, fs: DirWalker): Promise<DatasetSource> {
  const src: DatasetSource = { name: root, entries: [], emptyFolders: [], refused: [] };
  const dirs: string[] = [];
  for await (const it of fs.walk(root)) {
    const path = safePath(it.path);
    if (path === undefined || path === '' || isSystemPath(path)) continue;
    if (it.kind === 'dir') dirs.push(path);
    else src.entries.push({ path, size: it.size, read: () => fs.read(`${root}/${path}`) });
  }
  src.emptyFolders = emptyOf(dirs, src.entries);
  return src;
}

/** Browser: the Files of `<input type=file webkitdirectory>` (paths in webkitRelativePath). */
export function filesSource(name: string, files: readonly File[]): DatasetSource {
  const entries: DatasetEntry[] = [];
  for (const f of files) {
    // webkitRelativePath starts with the chosen folder's own name: drop it.
    const rel = (f.webkitRelativePath || f.name)
      .split('/')
      .slice(f.webkitRelativePath ? 1 : 0)
      .join('/');
    const path = safePath(rel);
    if (path === undefined || path === '' || isSystemPath(path)) continue;
    entries.push({ path, size: f.size, read: async () => new Uint8Array(await f.arrayBuffer()) });
  }
  return { name, entries, emptyFolders: [], refused: [] };
}

function emptyOf(dirs: string[], entries: DatasetEntry[]): string[] {
  const used = new Set<string>();
  for (const e of entries) {
    for (let d = e.path; d.includes('/'); ) {
      d = d.slice(0, d.lastIndexOf('/'));
      used.add(d);
    }
  }
  return dirs.filter((d) => !used.has(d)).sort();
}
