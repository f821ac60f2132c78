/**
 * The Models screen's state and actions, as module-level signals so a download (and its progress)
 * outlives switching sections. The run's choice itself lives in app/state (`models`, `modelsLabel`).
 */

import { computed, signal } from '@preact/signals';
import type { DownloadProgress } from '../../core/progress.ts';
import type { Task } from '../../models/manifest.ts';
import { TASKS } from '../../models/manifest.ts';
import { knownBytes } from '../../models/registry.ts';
import type { PickedFile } from '../../pipeline/app/contract.ts';
import { bundledRegistry } from '../../pipeline/app/model-registry.ts';
import { checkPickedFolder, type FolderCheck } from '../../pipeline/app/models.ts';
import type { CachedFile } from '../../pipeline/app/models-api.ts';
import type { ModelCheck } from '../../pipeline/check/result.ts';
import { pickedFolder } from '../app/picked-folder.ts';
import { models, modelsLabel } from '../app/state.ts';
import { formatBytes } from '../format.ts';
import { type CacheSummary, cacheSummary, pinned } from './cache-status.ts';
import { modelsWorker } from './models-client.ts';
import { quotaVerdict, type StorageEstimateView } from './quota.ts';
import { cacheChoice, cacheLabel, FIXTURES_LABEL, localLabel } from './run-choice.ts';

export const registry = bundledRegistry();

export interface Bytes {
  loaded: number;
  total: number;
}

export interface DownloadView {
  phase: 'running' | 'done' | 'cancelled' | 'failed';
  total: Bytes;
  /** By path in the manifest. */
  files: Record<string, Bytes>;
  message?: string;
}

/** Per bundled model, its download set as the cache holds it; undefined until first read. */
export const cache = signal<Record<string, CachedFile[]> | undefined>(undefined);
export const cacheError = signal<string | undefined>(undefined);
export const downloads = signal<Record<string, DownloadView>>({});
export const estimate = signal<StorageEstimateView | undefined>(undefined);
/** The user's pick per task among cached models (the first cached one when none). */
export const picks = signal<Partial<Record<Task, string>>>({});
/** The last local folder picked, with what its check found. */
export const picked = signal<{ name: string; files: PickedFile[]; check: FolderCheck } | undefined>(
  undefined,
);
/** One line about the last clear or choice. */
export const note = signal<string | undefined>(undefined);
/** Per model: its last known-answer check (kept with the cached model), or one running / failed to run. */
export const checks = signal<Record<string, ModelCheck | { running: true } | { unrunnable: string }>>({});

/** Runs a downloaded model's checks in the models worker (the photos come from the app's own files). */
export async function runCheck(id: string): Promise<void> {
  checks.value = { ...checks.value, [id]: { running: true } };
  try {
    const r = await modelsWorker.check(id, new URL('check/', document.baseURI).href);
    checks.value = { ...checks.value, [id]: r };
  } catch (e) {
    checks.value = { ...checks.value, [id]: { unrunnable: (e as Error).message } };
  }
}

const MIRROR_KEY = 'autogenda.models.mirror';
/** A base URL holding `<id>/<path>` for every model, used instead of the manifests' sources; '' when none. */
export const mirror = signal<string>(globalThis.localStorage?.getItem(MIRROR_KEY) ?? '');

export function setMirror(url: string): void {
  mirror.value = url.trim();
  if (mirror.value) globalThis.localStorage?.setItem(MIRROR_KEY, mirror.value);
  else globalThis.localStorage?.removeItem(MIRROR_KEY);
}

export const summaries = computed<Record<string, CacheSummary>>(() => {
  const out: Record<string, CacheSummary> = {};
  for (const m of registry.all) out[m.id] = cacheSummary(m, cache.value?.[m.id] ?? []);
  return out;
});

export const cachedIds = computed(
  () => new Set(Object.entries(summaries.value).flatMap(([id, s]) => (s.state === 'cached' ? [id] : []))),
);

/** The pick per task that a "use downloaded models" would take. */
export const effectivePicks = computed(() => {
  const out: Partial<Record<Task, string>> = {};
  for (const t of TASKS) {
    const own = picks.value[t];
    out[t] =
      own && cachedIds.value.has(own) ? own : registry.byTask(t).find((m) => cachedIds.value.has(m.id))?.id;
  }
  return out;
});

async function readEstimate(): Promise<StorageEstimateView | undefined> {
  try {
    const e = await navigator.storage?.estimate?.();
    return e && { usage: e.usage ?? 0, quota: e.quota ?? 0 };
  } catch {
    return undefined;
  }
}

/** Checks still in flight survive a refresh of the stored ones. */
const running = (c: typeof checks.value) =>
  Object.fromEntries(Object.entries(c).filter(([, v]) => 'running' in v));

export async function refresh(): Promise<void> {
  try {
    cache.value = await modelsWorker.inspect();
    cacheError.value = undefined;
    checks.value = { ...(await modelsWorker.checks()), ...running(checks.value) };
  } catch (e) {
    cacheError.value = `Could not read the model cache: ${(e as Error).message}`;
    cache.value = {};
  }
  estimate.value = await readEstimate();
  dropStaleChoice();
}

/** A cache choice whose files were cleared falls back to the fixtures (a run would re-download silently). */
function dropStaleChoice(): void {
  const cur = models.value;
  if (cur.kind !== 'cache' || !cache.value) return;
  const gone = TASKS.filter((t) => !cachedIds.value.has(cur.ids[t]));
  if (gone.length) {
    useFixtures();
    note.value = `The next run uses the fixture models again: ${gone.map((t) => cur.ids[t]).join(', ')} is no longer cached.`;
  }
}

/** Bytes a download of `id` still has to fetch; undefined when the manifest does not record sizes. */
export function stillNeeded(id: string): number | undefined {
  const m = registry.get(id)!;
  const known = knownBytes(m);
  return known === undefined ? undefined : Math.max(0, known - (summaries.value[id]?.held ?? 0));
}

function patch(id: string, f: (v: DownloadView) => DownloadView): void {
  const cur = downloads.value[id];
  if (cur) downloads.value = { ...downloads.value, [id]: f(cur) };
}

export async function startDownload(id: string): Promise<void> {
  if (downloads.value[id]?.phase === 'running') return;
  estimate.value = await readEstimate();
  const verdict = quotaVerdict(stillNeeded(id), estimate.value);
  const empty = { loaded: 0, total: 0 };
  if (!verdict.fits) {
    downloads.value = {
      ...downloads.value,
      [id]: { phase: 'failed', total: empty, files: {}, message: verdict.text },
    };
    return;
  }
  downloads.value = { ...downloads.value, [id]: { phase: 'running', total: empty, files: {} } };
  // Ask the browser not to evict the cache under storage pressure (granted or not, without a prompt in Chrome).
  void navigator.storage?.persist?.().catch(() => false);
  const onProgress = (p: DownloadProgress) =>
    patch(id, (v) =>
      p.file === id
        ? { ...v, total: { loaded: p.loaded, total: p.total } }
        : {
            ...v,
            files: { ...v.files, [p.file.slice(id.length + 1)]: { loaded: p.loaded, total: p.total } },
          },
    );
  try {
    const r = await modelsWorker.download(id, mirror.value || undefined, onProgress);
    patch(id, (v) => ({
      ...v,
      phase: 'done',
      total: { loaded: r.bytes, total: r.bytes },
      message:
        `Downloaded ${formatBytes(r.bytes)}${r.requests ? '' : ' (all from the cache)'}: ` +
        (pinned(registry.get(id)!)
          ? 'every file matches the sha256 the manifest pins.'
          : 'the manifest pins no sha256, so the hashes were recorded, not checked.'),
    }));
  } catch (e) {
    const err = e as Error;
    patch(id, (v) =>
      err.name === 'CancelledError'
        ? {
            ...v,
            phase: 'cancelled',
            message: 'Cancelled. What arrived is kept: downloading again resumes from it.',
          }
        : { ...v, phase: 'failed', message: err.message },
    );
  } finally {
    await refresh();
  }
}

export function cancelDownload(id: string): void {
  void modelsWorker.cancel(id).catch(() => {});
}

export async function clearCache(id?: string): Promise<void> {
  const freed = await modelsWorker.clear(id);
  const rest = { ...downloads.value };
  if (id === undefined) for (const k of Object.keys(rest)) delete rest[k];
  else delete rest[id];
  downloads.value = rest;
  note.value = `Cleared ${id === undefined ? 'every cached model' : `'${id}'`}: ${formatBytes(freed)} freed.`;
  await refresh();
}

export function useFixtures(): void {
  models.value = { kind: 'fixtures' };
  modelsLabel.value = FIXTURES_LABEL;
  note.value = undefined;
}

export function useCache(): void {
  const c = cacheChoice(effectivePicks.value, cachedIds.value);
  if ('missing' in c) return;
  models.value = { kind: 'cache', ids: c.ids, ...(mirror.value && { mirror: mirror.value }) };
  modelsLabel.value = cacheLabel(c.ids);
  note.value = undefined;
}

/** Checks the folder; a folder that passes becomes the next run's models at once. */
export async function useFolder(list: Iterable<File>): Promise<void> {
  const { name, files } = pickedFolder(list, 'picked folder');
  const check = await checkPickedFolder(files);
  picked.value = { name, files, check };
  if (check.problems.length === 0) {
    models.value = { kind: 'local', name, files };
    modelsLabel.value = localLabel(name, check.plumbingOnly);
    note.value = undefined;
  }
}
