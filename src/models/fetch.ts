/**
 * Gets every file a model variant needs: from the cache when complete, else downloaded from the
 * manifest's source (hub, URL) into the cache; or read in place from a local folder (offline use).
 * Progress: one 'download' event stream per file (`<id>/<path>`) and one for the model (`<id>`).
 */
import { sha256 as sha256Hex } from 'hash-wasm';
import { ConfigError, ModelIntegrityError } from '../core/errors.ts';
import type { ProgressFn } from '../core/progress.ts';
import { downloadFile } from './download.ts';
import { filesFor, type ModelManifest } from './manifest.ts';
import type { ModelStore } from './store.ts';

/** A folder of model files the user already has (picked directory, Deno path, test fixture). */
export interface FolderSource {
  /** The file's bytes, or undefined when the folder lacks it. */
  read(path: string): Promise<Uint8Array | undefined>;
}

export interface FetchModelOptions {
  store?: ModelStore;
  /** Read files from here instead of downloading (required for a `local` source). */
  folder?: FolderSource;
  /** Download from this base URL instead of the manifest's source (a mirror; tests). */
  baseUrl?: string;
  signal?: AbortSignal;
  onProgress?: ProgressFn;
  fetch?: typeof fetch;
}

export interface FetchedModel {
  files: Map<string, Uint8Array>;
  /** HTTP requests made (0 when everything came from the cache or a folder). */
  requests: number;
  /** sha256 of every file, as verified or first recorded (fill unknown manifest hashes from here). */
  sha256: Record<string, string>;
}

const encPath = (path: string) => path.split('/').map(encodeURIComponent).join('/');
const hubUrl = (hub: string, revision: string, path: string) =>
  `https://huggingface.co/${hub}/resolve/${encodeURIComponent(revision)}/${encPath(path)}`;

/**
 * A file's download URL: under the mirror when given (it holds the files by their manifest paths),
 * else from the file's own source when it has one, else from the model's.
 */
export function fileUrl(m: ModelManifest, path: string, baseUrl?: string): string {
  const enc = encPath(path);
  if (baseUrl) return `${baseUrl.replace(/\/+$/, '')}/${enc}`;
  const own = m.files[path]?.source;
  if (own) return 'url' in own ? own.url : hubUrl(own.hub, own.revision, own.path ?? path);
  const s = m.source;
  if ('hub' in s) return hubUrl(s.hub, s.revision, path);
  if ('url' in s) return `${s.url.replace(/\/+$/, '')}/${enc}`;
  throw new ConfigError(`Model '${m.id}' is read from a local folder ('${s.local}'); choose that folder.`);
}

/** Per-file and per-model 'download' progress (the model's total is 0 until every size is known). */
function progressOf(m: ModelManifest, paths: readonly string[], onProgress?: ProgressFn) {
  const loaded = new Map<string, number>();
  const totals = new Map(paths.map((p) => [p, m.files[p]?.size ?? 0]));
  const sum = (x: Map<string, number>) => [...x.values()].reduce((a, b) => a + b, 0);
  return (path: string, l: number, t: number) => {
    loaded.set(path, l);
    if (t) totals.set(path, t);
    onProgress?.({ type: 'download', file: `${m.id}/${path}`, loaded: l, total: t });
    const known = [...totals.values()].every((x) => x > 0);
    onProgress?.({ type: 'download', file: m.id, loaded: sum(loaded), total: known ? sum(totals) : 0 });
  };
}

export interface DownloadedFiles {
  /** HTTP requests made (0 when every file was already complete in the store). */
  requests: number;
  /** Per path: its store key, size and sha256 (as verified, or first recorded). */
  files: Record<string, { key: string; size: number; sha256: string }>;
}

/**
 * The one download loop: `paths` of a model into the store under `<id>/<path>`, one after another,
 * resumed and verified by the downloader (a complete file costs no request).
 */
export async function downloadModelFiles(
  store: ModelStore,
  m: ModelManifest,
  paths: readonly string[],
  o: Omit<FetchModelOptions, 'store' | 'folder'> = {},
): Promise<DownloadedFiles> {
  const report = progressOf(m, paths, o.onProgress);
  const files: DownloadedFiles['files'] = {};
  let requests = 0;
  for (const path of paths) {
    o.signal?.throwIfAborted();
    const entry = m.files[path];
    if (!entry) throw new ConfigError(`Model '${m.id}' has no file '${path}'.`);
    const r = await downloadFile(store, {
      url: fileUrl(m, path, o.baseUrl),
      key: `${m.id}/${path}`,
      label: `${m.id}/${path}`,
      size: entry.size,
      sha256: entry.sha256,
      signal: o.signal,
      fetch: o.fetch,
      onProgress: (l, t) => report(path, l, t),
    });
    requests += r.requests;
    files[path] = { key: r.meta.key, size: r.meta.size, sha256: r.meta.sha256 };
  }
  return { requests, files };
}

export async function fetchModel(
  m: ModelManifest,
  variant: string,
  o: FetchModelOptions,
): Promise<FetchedModel> {
  const paths = filesFor(m, variant);
  const files = new Map<string, Uint8Array>();
  const sha256: Record<string, string> = {};
  if (o.folder || ('local' in m.source && !o.baseUrl)) {
    if (!o.folder) throw new ConfigError(`Model '${m.id}' needs its local folder; choose it first.`);
    const report = progressOf(m, paths, o.onProgress);
    for (const path of paths) {
      o.signal?.throwIfAborted();
      const bytes = await o.folder.read(path);
      if (!bytes) throw new ConfigError(`The folder for '${m.id}' has no '${path}'.`);
      sha256[path] = await verify(bytes, path, m, m.files[path]?.sha256);
      files.set(path, bytes);
      report(path, bytes.length, bytes.length);
    }
    return { files, requests: 0, sha256 };
  }
  if (!o.store) throw new ConfigError(`Downloading '${m.id}' needs a model store.`);
  const got = await downloadModelFiles(o.store, m, paths, o);
  for (const path of paths) {
    sha256[path] = got.files[path].sha256;
    files.set(path, await o.store.read(got.files[path].key));
  }
  return { files, requests: got.requests, sha256 };
}

async function verify(bytes: Uint8Array, path: string, m: ModelManifest, want?: string): Promise<string> {
  const got = await sha256Hex(bytes);
  if (want && got !== want) {
    throw new ModelIntegrityError(
      `'${path}' in the folder for '${m.id}' has sha256 ${got}, the manifest says ${want}: ` +
        'it is a different or damaged file.',
    );
  }
  if (m.files[path]?.size !== undefined && m.files[path].size !== bytes.length) {
    throw new ModelIntegrityError(
      `'${path}' for '${m.id}' is ${bytes.length} bytes, expected ${m.files[path].size}.`,
    );
  }
  return got;
}
