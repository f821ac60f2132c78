/**
 * A drop on the drop zone as a DatasetInput: one .zip file → that zip; one folder → its files, the
 * folder naming the dataset; several folders (the class folders themselves) → their files, each
 * folder a class. Folders are walked with the File System entry API (webkitGetAsEntry), which is
 * what a folder drop gives in Chromium, Firefox and Safari.
 */
import type { DatasetInput, PickedFile } from '../../pipeline/app/contract.ts';
import { isZipFile } from './picked-files.ts';

/** A dropped item: a file-system entry, or a bare File where the browser offers no entry. */
export type DroppedItem = FileSystemEntry | File;

/**
 * Take the items while the drop event lasts: DataTransfer items are emptied once it returns. A
 * DataTransfer made by a script (and some platforms' drags) has Files but no entries.
 */
export function droppedItems(dt: DataTransfer): DroppedItem[] {
  const out: DroppedItem[] = [];
  for (const item of Array.from(dt.items)) {
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry?.();
    const file = entry ? undefined : item.getAsFile();
    if (entry) out.push(entry);
    else if (file) out.push(file);
  }
  return out;
}

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

/** readEntries hands out a folder's children in batches (100 in Chromium) until it returns none. */
async function childrenOf(dir: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = dir.createReader();
  const all: FileSystemEntry[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
      reader.readEntries(resolve, reject),
    );
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}

const isDir = (e: DroppedItem): e is FileSystemDirectoryEntry => 'isDirectory' in e && e.isDirectory;
const isFile = (e: DroppedItem): e is FileSystemFileEntry => 'isFile' in e && e.isFile;
const asFile = (e: DroppedItem): Promise<File> | undefined =>
  e instanceof File ? Promise.resolve(e) : isFile(e) ? fileOf(e) : undefined;

/**
 * Every file under `entries` with its path from the entries' parent ('cats/a.png'); with `stripRoot`,
 * from inside the one dropped folder instead. Folders that hold nothing are added to `emptyFolders`
 * (when given), so an empty class folder reaches the import report (a folder picker cannot see them).
 */
export async function walkEntries(
  entries: DroppedItem[],
  stripRoot = false,
  emptyFolders?: string[],
): Promise<PickedFile[]> {
  const out: PickedFile[] = [];
  const visit = async (entry: DroppedItem, path: string): Promise<void> => {
    const file = asFile(entry);
    if (file) out.push({ path, file: await file });
    else if (isDir(entry)) {
      const children = await childrenOf(entry);
      if (children.length === 0) emptyFolders?.push(path);
      for (const c of children) await visit(c, `${path}/${c.name}`);
    }
  };
  const roots: DroppedItem[] =
    stripRoot && entries.length === 1 && isDir(entries[0]) ? await childrenOf(entries[0]) : entries;
  for (const e of roots) await visit(e, e.name);
  return out;
}

/** What the drop means, or why it cannot be imported. */
export async function droppedInput(entries: DroppedItem[]): Promise<DatasetInput | { problem: string }> {
  if (entries.length === 0)
    return { problem: 'Nothing to import was dropped (drop a folder or a .zip file).' };
  const single = entries.length === 1 ? asFile(entries[0]) : undefined;
  if (single) {
    const file = await single;
    if (isZipFile(file)) return { kind: 'zip', name: file.name, file };
    return { problem: `${file.name} is neither a folder nor a .zip file.` };
  }
  const emptyFolders: string[] = [];
  if (entries.length === 1 && isDir(entries[0])) {
    const files = await walkEntries(entries, true, emptyFolders);
    if (files.length === 0) return { problem: `The folder ${entries[0].name} holds no files.` };
    return { kind: 'files', name: entries[0].name, files, emptyFolders };
  }
  const files = await walkEntries(entries, false, emptyFolders);
  if (files.length === 0) return { problem: 'The dropped folders hold no files.' };
  return { kind: 'files', name: 'dropped folders', files, emptyFolders };
}
