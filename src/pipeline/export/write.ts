/**
 * Writing an export: one zip (fflate; images stored as they are, text deflated) or a folder through a
 * small file-system interface (Deno, or the browser's File System Access API behind an adapter).
 * Files are read one at a time (an image's bytes may come from the store only when written) and the
 * zip goes out in chunks, so an export of any size never sits in memory whole.
 */

import { Zip, ZipDeflate, ZipPassThrough } from 'fflate';
import { ConfigError } from '../../core/errors.ts';
import { concat } from '../../models/store.ts';
import { storeGcNudge } from '../../ort/gc-nudge.ts';
import { type ExportFile, exportBytes } from './dataset.ts';

/** Paths come from exportFiles (sanitised); refuse anything else rather than trust callers. */
function checkPath(path: string): void {
  const parts = path.split('/');
  if (path.startsWith('/') || path.includes('\\') || parts.some((p) => p === '' || p === '.' || p === '..')) {
    throw new ConfigError(`export: unsafe path '${path}'`);
  }
}

/** The zip of `files`, chunk by chunk to `write` (awaited before the next file is read). */
export async function writeZip(
  files: readonly ExportFile[],
  write: (chunk: Uint8Array) => Promise<void>,
): Promise<void> {
  const seen = new Set<string>();
  for (const f of files) {
    checkPath(f.path);
    if (seen.has(f.path)) throw new ConfigError(`export: '${f.path}' given twice`);
    seen.add(f.path);
  }
  const ready: Uint8Array[] = [];
  let failed: Error | null = null;
  // Synchronous entries: each file's output is here before the next one is read.
  const zip = new Zip((err, chunk) => {
    if (err) failed = err;
    else ready.push(chunk);
  });
  const drain = async () => {
    if (failed) throw failed;
    for (const c of ready.splice(0)) await write(c);
  };
  for (const f of files) {
    const entry: ZipPassThrough | ZipDeflate = f.compressed
      ? new ZipPassThrough(f.path)
      : new ZipDeflate(f.path, { level: 6 });
    zip.add(entry);
    entry.push(await exportBytes(f.data), true);
    await drain();
    (await storeGcNudge()).afterRun(); // each file's bytes were read from the store: collect them in time
  }
  zip.end();
  await drain();
}

/** The whole zip in memory: for small exports (the app's download, tests). */
export async function toZip(files: readonly ExportFile[]): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  await writeZip(files, async (c) => void parts.push(c));
  return concat(parts);
}

export interface ExportFs {
  writeFile(path: string, data: Uint8Array): Promise<void>;
  mkdir(path: string, options: { recursive: boolean }): Promise<void>;
}

export async function writeFolder(files: readonly ExportFile[], dir: string, fs: ExportFs): Promise<void> {
  const root = dir.replace(/[/\\]+$/, '');
  const made = new Set<string>();
  for (const f of files) {
    checkPath(f.path);
    const full = `${root}/${f.path}`;
    const parent = full.slice(0, full.lastIndexOf('/'));
    if (!made.has(parent)) {
      await fs.mkdir(parent, { recursive: true });
      made.add(parent);
    }
    await fs.writeFile(full, await exportBytes(f.data));
    (await storeGcNudge()).afterRun();
  }
}
