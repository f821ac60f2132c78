/**
 * A registry of model manifests (the app bundles models/*.json; a CLI or a test can make its own) and
 * the facts the Models screen and the cache-backed runs derive from one: models per task, which files a
 * download fetches, their size when the manifest knows it, and where a mirror serves them.
 */
import { ConfigError } from '../core/errors.ts';
import { filesFor, type ModelManifest, parseManifest, TASKS, type Task } from './manifest.ts';

export interface Registry {
  /** Sorted by task (TASKS order), then id. */
  readonly all: readonly ModelManifest[];
  get(id: string): ModelManifest | undefined;
  byTask(task: Task): ModelManifest[];
}

/** A registry over untrusted manifest JSON, keyed by where each came from (for messages). */
export function makeRegistry(raw: Record<string, unknown>): Registry {
  const byId = new Map<string, ModelManifest>();
  for (const [where, json] of Object.entries(raw)) {
    const m = parseManifest(json, where);
    if (byId.has(m.id)) throw new ConfigError(`${where}: model id '${m.id}' is used twice`);
    byId.set(m.id, m);
  }
  const all = [...byId.values()].sort(
    (a, b) => TASKS.indexOf(a.task) - TASKS.indexOf(b.task) || a.id.localeCompare(b.id),
  );
  return {
    all,
    get: (id) => byId.get(id),
    byTask: (task) => all.filter((m) => m.task === task),
  };
}

/**
 * The files a download fetches: the default variant for WebGPU and for the wasm fallback, so a run
 * finds what it opens whichever provider it gets (other variants are never fetched).
 */
export function downloadFiles(m: ModelManifest): string[] {
  const { webgpu, wasm } = m.defaultVariant;
  return [...new Set([...filesFor(m, webgpu), ...filesFor(m, wasm)])];
}

/** The bytes of `paths` when the manifest records every size, else undefined. */
export function knownBytes(
  m: ModelManifest,
  paths: readonly string[] = downloadFiles(m),
): number | undefined {
  let sum = 0;
  for (const p of paths) {
    const size = m.files[p]?.size;
    if (size === undefined) return undefined;
    sum += size;
  }
  return sum;
}

/** A mirror holds every model under its id (`<mirror>/<id>/<path>`), as a local models folder does. */
export function mirrorBase(mirror: string, id: string): string {
  return `${mirror.replace(/\/+$/, '')}/${encodeURIComponent(id)}`;
}

/** Why a mirror URL the user typed cannot be used, or undefined when it is fine ('' means none). */
export function mirrorProblem(text: string): string | undefined {
  if (text.trim() === '') return undefined;
  let u: URL;
  try {
    u = new URL(text.trim());
  } catch {
    return `'${text}' is not an absolute URL (like https://models.example.org/autogenda)`;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return 'the mirror must be an http(s) URL';
  if (u.search || u.hash) return 'the mirror URL takes no ?query or #fragment';
  return undefined;
}
