/**
 * The app's everything-zip, written chunk by chunk into the Origin Private File System and handed to the
 * page as a disk-backed File: an export of any size never sits in the worker's or the page's memory whole
 * (the CLI streams its zip to disk the same way). One file per dataset name, replaced by the next run's;
 * "Clear cached results" deletes them. Where OPFS or its writable streams are missing (some private
 * windows, older Safari) the zip is built in memory, as small demos can afford.
 */

import type { CollectionUsage } from '../../storage/store.ts';
import type { ExportFile } from '../export/dataset.ts';
import { toZip, writeZip } from '../export/write.ts';

export const EXPORTS_FOLDER = 'autogenda-exports';

async function exportsFolder(create: boolean): Promise<FileSystemDirectoryHandle | undefined> {
  const root = await globalThis.navigator?.storage?.getDirectory?.().catch(() => undefined);
  if (!root) return undefined;
  try {
    return await root.getDirectoryHandle(EXPORTS_FOLDER, { create });
  } catch (e) {
    if ((e as Error).name === 'NotFoundError') return undefined;
    throw e;
  }
}

/** The zip of `files` as a Blob named `name`: on disk in OPFS where it can be, else in memory. */
export async function zipBlob(files: readonly ExportFile[], name: string): Promise<Blob> {
  const folder = await exportsFolder(true);
  const handle = await folder?.getFileHandle(name, { create: true });
  // no OPFS, or no writable streams on its files (older Safari): in memory
  if (typeof handle?.createWritable !== 'function')
    return new Blob([(await toZip(files)) as Uint8Array<ArrayBuffer>], { type: 'application/zip' });
  const out = await handle.createWritable(); // a swap file until close(): a failed export leaves the old one
  try {
    await writeZip(files, (chunk) => out.write(chunk as Uint8Array<ArrayBuffer>));
    await out.close();
  } catch (e) {
    await out.abort().catch(() => {});
    throw e;
  }
  return handle.getFile();
}

/** The stored zips' names and sizes. */
async function storedZips(): Promise<{
  folder?: FileSystemDirectoryHandle;
  zips: { name: string; size: number }[];
}> {
  const folder = await exportsFolder(false);
  const zips: { name: string; size: number }[] = [];
  if (!folder) return { zips };
  const entries = (folder as unknown as { values(): AsyncIterable<FileSystemHandle> }).values();
  for await (const h of entries)
    if (h.kind === 'file')
      zips.push({ name: h.name, size: (await (h as FileSystemFileHandle).getFile()).size });
  return { folder, zips };
}

/** The stored zips as one row of the app's Storage table. */
export async function exportZipUsage(): Promise<CollectionUsage> {
  const { zips } = await storedZips();
  return { collection: 'export zips', count: zips.length, bytes: zips.reduce((a, z) => a + z.size, 0) };
}

/** Deletes the stored zips; resolves to how many there were. */
export async function clearExportZips(): Promise<number> {
  const { folder, zips } = await storedZips(); // listed first: no deleting while the folder is iterated
  for (const z of zips) await folder?.removeEntry(z.name);
  return zips.length;
}
