/**
 * Writing an export: one zip (fflate; images stored as they are, text deflated) or a folder through a
 * small file-system interface (Deno, or the browser's File System Access API behind an adapter).
 */
import { type Zippable, zipSync } from 'fflate';
import { ConfigError } from '../../core/errors.ts';
import type { ExportFile } from './dataset.ts';

/** Paths come from exportFiles (sanitised); refuse anything else rather than trust callers. */
function checkPath(path: string): void {
  const parts = path.split('/');
  if (path.startsWith('/') || path.includes('\\') || parts.some((p) => p === '' || p === '.' || p === '..')) {
    throw new ConfigError(`export: unsafe path '${path}'`);
  }
}

export function toZip(files: readonly ExportFile[]): Uint8Array {
  const tree: Zippable = {};
  for (const f of files) {
    checkPath(f.path);
    if (Object.hasOwn(tree, f.path)) throw new ConfigError(`export: '${f.path}' given twice`);
    // Flat keys with '/' make folders in the archive; level 0 = stored.
    tree[f.path] = [f.data, { level: f.compressed ? 0 : 6 }];
  }
  return zipSync(tree);
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
    await fs.writeFile(full, f.data);
  }
}
