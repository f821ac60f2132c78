/** How much of a model this browser holds, from the worker's per-file facts (pure; no I/O). */

import type { ModelManifest } from '../../models/manifest.ts';
import { downloadFiles, knownBytes } from '../../models/registry.ts';
import type { CachedFile } from '../../pipeline/app/models-api.ts';
import { formatBytes } from '../format.ts';

export type CacheState = 'cached' | 'partial' | 'none';

export interface CacheSummary {
  state: CacheState;
  files: number;
  complete: number;
  /** Bytes on disk (complete files and partials). */
  held: number;
  /** The download's size: from the manifest, or as recorded once every file is complete. */
  total?: number;
}

export function cacheSummary(m: ModelManifest, files: readonly CachedFile[]): CacheSummary {
  const complete = files.filter((f) => f.complete !== undefined);
  const held = files.reduce((n, f) => n + f.held, 0);
  const state: CacheState =
    files.length > 0 && complete.length === files.length ? 'cached' : held > 0 ? 'partial' : 'none';
  const recorded = state === 'cached' ? complete.reduce((n, f) => n + (f.complete ?? 0), 0) : undefined;
  const total =
    knownBytes(
      m,
      files.map((f) => f.path),
    ) ?? recorded;
  return { state, files: files.length, complete: complete.length, held, total };
}

/** "1.2 GiB", or why there is no number yet. */
export function sizeText(m: ModelManifest, s: CacheSummary): string {
  const known = knownBytes(m);
  if (known !== undefined) return formatBytes(known);
  return s.total !== undefined
    ? `${formatBytes(s.total)} (as downloaded)`
    : 'size recorded on first download';
}

/** Whether the manifest pins a sha256 for every file a download fetches (else hashes are only recorded). */
export function pinned(m: ModelManifest): boolean {
  return downloadFiles(m).every((p) => m.files[p]?.sha256 !== undefined);
}

export function stateText(s: CacheSummary): string {
  switch (s.state) {
    case 'cached':
      return `cached in this browser (${s.files} ${s.files === 1 ? 'file' : 'files'})`;
    case 'partial':
      return `partly cached: ${s.complete} of ${s.files} files, ${formatBytes(s.held)} held (a download resumes)`;
    case 'none':
      return 'not cached';
  }
}
