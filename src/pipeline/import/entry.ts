/**
 * One file of a dataset, wherever it came from (a folder, a zip, a list): its path inside the
 * dataset with '/' separators, its size and a way to read it. Reading may fail with a reason
 * (EntryError), which import reports against that file.
 */
export interface DatasetEntry {
  path: string;
  /** Bytes (for an archive: the declared uncompressed size). */
  size: number;
  read(): Promise<Uint8Array>;
  /** The class when a list names it; otherwise the first folder of `path` is the class. */
  label?: string;
}

/** A dataset: its files, and folders that hold no file (reported as empty classes). */
export interface DatasetSource {
  /** Shown in the report: the folder, archive or list name. */
  name: string;
  entries: DatasetEntry[];
  emptyFolders: string[];
  /** Files refused before import saw them (archive entries that are unsafe), with the reason. */
  refused: { path: string; reason: string }[];
}

export class EntryError extends Error {
  override readonly name = 'EntryError';
}

/** 'a\\b/./c' → 'a/b/c'; undefined for absolute paths, drive letters and any '..' segment. */
export function safePath(raw: string): string | undefined {
  const p = raw.replace(/\\/g, '/');
  if (p.startsWith('/') || /^[A-Za-z]:/.test(p) || p.includes('\0')) return undefined;
  const parts = p.split('/').filter((s) => s !== '' && s !== '.');
  if (parts.some((s) => s === '..')) return undefined;
  return parts.join('/');
}

/** Files nobody means as data: macOS resource forks, Finder/Explorer litter, hidden files. */
export function isSystemPath(p: string): boolean {
  return p
    .split('/')
    .some((s) => s.startsWith('.') || s === '__MACOSX' || s === 'Thumbs.db' || s === 'desktop.ini');
}
