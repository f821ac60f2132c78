/**
 * The models a browser run uses, as a ModelsFolder for openStages: the in-memory fixtures, the model
 * cache (downloaded files in OPFS), or a folder the user picked (offline). Also the two things the
 * Models screen shares with runs: downloading a model's files into the cache, and checking a picked
 * folder before a run trips over it.
 */
import { ConfigError } from '../../core/errors.ts';
import type { DownloadProgress } from '../../core/progress.ts';
import { downloadModelFiles } from '../../models/fetch.ts';
import { filesFor, type ModelManifest, parseManifest, TASKS, type Task } from '../../models/manifest.ts';
import { mirrorBase, type Registry } from '../../models/registry.ts';
import type { ModelStore } from '../../models/store.ts';
import type { ModelCheck } from '../check/result.ts';
import { CACHED_CHECK, CHECKS_FILE } from '../check/runner.ts';
import { MODEL_INDEXES, type ModelsFolder } from '../models-index.ts';
import type { ModelsInput, PickedFile } from './contract.ts';
import { fixtureModelsFolder } from './fixtures.ts';
import { bundledRegistry } from './model-registry.ts';

/** A picked folder: files by their path relative to the folder. */
export function pickedFolder(files: readonly PickedFile[]): ModelsFolder {
  const byPath = new Map(files.map((f) => [f.path, f.file]));
  const read = async (path: string) => {
    const f = byPath.get(path);
    return f && new Uint8Array(await f.arrayBuffer());
  };
  return {
    readText: async (path) => {
      const b = await read(path);
      return b && new TextDecoder().decode(b);
    },
    folder: (dir) => ({ read: (path) => read(dir === '.' ? path : `${dir}/${path}`) }),
  };
}

export interface CacheOptions {
  /** Default: the browser's OPFS model cache. */
  store?: ModelStore;
  /** Default: the manifests bundled with the app. */
  registry?: Registry;
  signal?: AbortSignal;
  onProgress?: (p: DownloadProgress) => void;
  fetch?: typeof fetch;
}

export async function modelsFolderFor(
  input: ModelsInput,
  o: CacheOptions = {},
): Promise<{ folder: ModelsFolder; where: string }> {
  switch (input.kind) {
    case 'fixtures':
      return { folder: await fixtureModelsFolder(), where: 'fixture models (in memory)' };
    case 'local':
      return { folder: pickedFolder(input.files), where: input.name };
    case 'cache':
      return { folder: await cacheModelsFolder(input, o), where: 'downloaded models' };
  }
}

/**
 * The model cache as a models folder: an index naming the chosen manifest per task, the bundled
 * manifests, and each model's files from the store. The Models screen only offers a choice whose
 * files are all cached; a file missing anyway (cleared meanwhile) is downloaded again from the
 * manifest's source or the mirror, so a run never silently uses something else.
 */
export async function cacheModelsFolder(
  input: Extract<ModelsInput, { kind: 'cache' }>,
  o: CacheOptions = {},
): Promise<ModelsFolder> {
  const registry = o.registry ?? bundledRegistry();
  // Loaded lazily: OPFS exists only in browsers; tests pass a store.
  const store = o.store ?? new (await import('../../models/store-opfs.ts')).OpfsStore();
  const chosen = new Map<string, ModelManifest>();
  for (const task of TASKS) {
    const id = input.ids[task];
    const m = id === undefined ? undefined : registry.get(id);
    if (!m) throw new ConfigError(`No ${task} model chosen that this app knows ('${id}'): open Models.`);
    if (m.task !== task) throw new ConfigError(`'${id}' is a ${m.task} model, chosen as the ${task}.`);
    chosen.set(m.id, m);
  }
  const index = JSON.stringify({
    plumbingOnly: false,
    models: [...chosen.values()].map((m) => ({ id: m.id, task: m.task, manifest: `${m.id}/manifest.json` })),
  });
  return {
    readText: async (path) => {
      if (path === 'models.json') return index;
      if (path === CHECKS_FILE)
        return JSON.stringify({ models: await cachedChecks(store, [...chosen.keys()]) });
      const id = path.endsWith('/manifest.json') ? path.slice(0, -'/manifest.json'.length) : '';
      const m = chosen.get(id);
      return m && JSON.stringify(m);
    },
    folder: (dir) => ({
      read: async (path) => {
        const m = chosen.get(dir);
        if (!m || !(path in m.files)) return undefined;
        const key = `${m.id}/${path}`;
        if (!(await store.meta(key))) await downloadToCache(store, m, [path], { ...o, mirror: input.mirror });
        return store.read(key);
      },
    }),
  };
}

/** The last check kept beside each of these models' cached files (models without one are left out). */
export async function cachedChecks(
  store: ModelStore,
  ids: readonly string[],
): Promise<Record<string, ModelCheck>> {
  const out: Record<string, ModelCheck> = {};
  for (const id of ids) {
    const key = `${id}/${CACHED_CHECK}`;
    if (!(await store.meta(key))) continue;
    try {
      out[id] = JSON.parse(new TextDecoder().decode(await store.read(key))) as ModelCheck;
    } catch {
      // written by another version: as if never checked
    }
  }
  return out;
}

export interface DownloadToCacheOptions {
  /** A base URL holding `<id>/<path>` for every model, instead of the manifests' sources. */
  mirror?: string;
  signal?: AbortSignal;
  /** One stream per file (`<id>/<path>`) and one for the model (`<id>`; total 0 while unknown). */
  onProgress?: (p: DownloadProgress) => void;
  fetch?: typeof fetch;
}

/**
 * Downloads `paths` of a model into the store (resumed, verified by the downloader; already complete
 * files cost no request). Returns the recorded size and sha256 per file.
 */
export async function downloadToCache(
  store: ModelStore,
  m: ModelManifest,
  paths: readonly string[],
  o: DownloadToCacheOptions = {},
): Promise<{ requests: number; files: Record<string, { size: number; sha256: string }> }> {
  const base = o.mirror ? mirrorBase(o.mirror, m.id) : undefined;
  const r = await downloadModelFiles(store, m, paths, {
    baseUrl: base,
    signal: o.signal,
    fetch: o.fetch,
    onProgress: (p) => {
      if (p.type === 'download') o.onProgress?.(p);
    },
  });
  const files: Record<string, { size: number; sha256: string }> = {};
  for (const [p, f] of Object.entries(r.files)) files[p] = { size: f.size, sha256: f.sha256 };
  return { requests: r.requests, files };
}

/** What a picked models folder holds, and what keeps it from running. */
export interface FolderCheck {
  /** The index file found (fixtures.json or models.json). */
  index?: string;
  plumbingOnly: boolean;
  /** The model a run would use per task (the first listed for it, as openStages picks). */
  models: { task: Task; id: string }[];
  /** Blocking: the run would fail on each of these. */
  problems: string[];
  /** Not blocking (files only the wasm fallback needs). */
  notes: string[];
}

const MAX_LISTED = 5;
const listed = (xs: string[]) =>
  xs.slice(0, MAX_LISTED).join(', ') + (xs.length > MAX_LISTED ? ` and ${xs.length - MAX_LISTED} more` : '');

/**
 * Checks a picked folder without reading the model files: the index, a manifest per task that
 * parses, and every file the default variants name, present with the manifest's size.
 */
export async function checkPickedFolder(files: readonly PickedFile[]): Promise<FolderCheck> {
  const byPath = new Map(files.map((f) => [f.path, f.file]));
  const out: FolderCheck = { plumbingOnly: false, models: [], problems: [], notes: [] };
  const index = MODEL_INDEXES.find((n) => byPath.has(n));
  if (!index) {
    const deeper = files.find((f) => MODEL_INDEXES.some((n) => f.path.endsWith(`/${n}`)));
    out.problems.push(
      deeper
        ? `No ${MODEL_INDEXES.join(' or ')} at the top of the folder; '${deeper.path}' is one level ` +
            `down: pick the folder '${deeper.path.slice(0, deeper.path.lastIndexOf('/'))}' instead.`
        : `No ${MODEL_INDEXES.join(' or ')} in the folder. It must hold that index and one ` +
            'sub-folder per model (write offline test models with: npx autogenda fixtures --out DIR).',
    );
    return out;
  }
  out.index = index;
  let json: { plumbingOnly?: unknown; models?: unknown };
  try {
    json = JSON.parse(await byPath.get(index)!.text());
  } catch (e) {
    out.problems.push(`${index} is not valid JSON (${(e as Error).message}).`);
    return out;
  }
  if (!Array.isArray(json?.models)) {
    out.problems.push(`${index} has no "models" list.`);
    return out;
  }
  out.plumbingOnly = json.plumbingOnly === true;
  const entries = json.models as { id?: unknown; task?: unknown; manifest?: unknown }[];
  for (const task of TASKS) {
    const entry = entries.find((e) => e?.task === task);
    if (!entry) {
      out.problems.push(`${index} lists no ${task} model.`);
      continue;
    }
    if (typeof entry.manifest !== 'string') {
      out.problems.push(`${index}: the ${task} entry names no manifest file.`);
      continue;
    }
    const manifestFile = byPath.get(entry.manifest);
    if (!manifestFile) {
      out.problems.push(`${task}: the manifest '${entry.manifest}' named in ${index} is missing.`);
      continue;
    }
    let m: ModelManifest;
    try {
      m = parseManifest(JSON.parse(await manifestFile.text()), entry.manifest);
    } catch (e) {
      out.problems.push(`${task}: ${(e as Error).message}`);
      continue;
    }
    if (m.task !== task) {
      out.problems.push(`${entry.manifest} is a ${m.task} model, listed as the ${task} model.`);
      continue;
    }
    out.models.push({ task, id: m.id });
    const slash = entry.manifest.lastIndexOf('/');
    const dir = slash < 0 ? '' : entry.manifest.slice(0, slash + 1);
    const fileProblems = (paths: string[]) => {
      const missing: string[] = [];
      const wrong: string[] = [];
      for (const p of paths) {
        const f = byPath.get(dir + p);
        const want = m.files[p]?.size;
        if (!f) missing.push(dir + p);
        else if (want !== undefined && f.size !== want)
          wrong.push(`${dir + p} is ${f.size} bytes, not ${want}`);
      }
      return { missing, wrong };
    };
    const gpuFiles = filesFor(m, m.defaultVariant.webgpu);
    const main = fileProblems(gpuFiles);
    if (main.missing.length) out.problems.push(`${task} '${m.id}' is missing ${listed(main.missing)}.`);
    if (main.wrong.length) out.problems.push(`${task} '${m.id}': ${listed(main.wrong)}.`);
    const wasmOnly = filesFor(m, m.defaultVariant.wasm).filter((p) => !gpuFiles.includes(p));
    const fallback = fileProblems(wasmOnly);
    if (fallback.missing.length || fallback.wrong.length) {
      out.notes.push(
        `${task} '${m.id}' runs on WebGPU only: the wasm fallback's files are missing or wrong ` +
          `(${listed([...fallback.missing, ...fallback.wrong])}).`,
      );
    }
  }
  return out;
}
