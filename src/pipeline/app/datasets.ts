/**
 * Datasets the app imported, kept in its store: import once (report first, nothing run yet), then any
 * number of runs read the same images from IndexedDB — after a reload too, when the picked Files are
 * long gone. Images go where the pipeline keeps them (by content hash), so a run's import step finds
 * every one of them cached; the dataset record lists path, class and caption per image.
 */
import { BadDatasetError } from '../../core/errors.ts';
import type { StageProgress } from '../../core/progress.ts';
import type { Collection } from '../../storage/schema.ts';
import type { JsonObject, Store } from '../../storage/store.ts';
import type { ImageDecoder } from '../import/decoder.ts';
import { type DatasetSource, isSystemPath, safePath } from '../import/entry.ts';
import { type ImportReport, importDataset } from '../import/import.ts';
import { zipSource } from '../import/zip.ts';
import { itemKey } from '../keys.ts';
import { IMAGE_PREFIX } from '../run.ts';
import type { DatasetInput, ImportOutcome, ImportReportView, PickedFile, StoredDataset } from './contract.ts';

/** Dataset records live under this prefix of the 'datasets' collection (the pipeline's own use another). */
export const DATASET_PREFIX = 'app/';

interface StoredImage {
  path: string;
  className: string;
  hash: string;
  bytes: number;
  caption?: string;
}

interface DatasetRecord {
  dataset: StoredDataset;
  images: StoredImage[];
}

export interface ImportInputOptions {
  decoder: ImageDecoder;
  /** Reads the bundled demo zip (the page's origin serves it). */
  demoZip: (url: string) => Promise<{ name: string; bytes: Uint8Array }>;
  onProgress?: (p: StageProgress) => void;
  signal?: AbortSignal;
}

async function sourceOf(input: DatasetInput, o: ImportInputOptions): Promise<DatasetSource> {
  switch (input.kind) {
    case 'demo': {
      const z = await o.demoZip(input.url);
      const src = zipSource(z.name, z.bytes);
      // Its README/LICENSE sit at the root: documentation, not data (and not worth a "skipped" line).
      src.entries = src.entries.filter((e) => e.path.includes('/'));
      return src;
    }
    case 'zip':
      return zipSource(input.name, new Uint8Array(await input.file.arrayBuffer()));
    case 'files':
      return pickedSource(input.name, input.files, input.emptyFolders);
  }
}

/**
 * Picked or dropped files, with paths the page made up from untrusted folder names: the same path
 * rules as archives ('..' and absolute paths refused, system litter dropped silently).
 */
export function pickedSource(name: string, files: PickedFile[], emptyFolders: string[] = []): DatasetSource {
  const empty = emptyFolders.flatMap((d) => {
    const p = safePath(d);
    return p && !isSystemPath(p) ? [p] : [];
  });
  const src: DatasetSource = { name, entries: [], emptyFolders: empty, refused: [] };
  for (const f of files) {
    const path = safePath(f.path);
    if (path === undefined) {
      src.refused.push({ path: f.path, reason: 'unsafe path (absolute or contains "..")' });
      continue;
    }
    if (path === '' || isSystemPath(path)) continue;
    src.entries.push({
      path,
      size: f.file.size,
      read: async () => new Uint8Array(await f.file.arrayBuffer()),
    });
  }
  return src;
}

/** Why an import that kept fewer than 2 classes cannot be used, with the first skip reasons. */
function tooFewClasses(r: ImportReport): string {
  const found = r.classes.map((c) => `'${c.name}'`).join(', ');
  let why = `needs at least 2 classes with images, found ${r.classes.length}${found ? ` (${found})` : ''}`;
  if (r.skipped.length > 0) {
    const first = r.skipped.slice(0, 3).map((s) => `${s.path}: ${s.reason}`);
    const more = r.skipped.length > 3 ? `; and ${r.skipped.length - 3} more` : '';
    why += `; ${r.skipped.length} files skipped (${first.join('; ')}${more})`;
  }
  return why;
}

export function reportView(r: ImportReport): ImportReportView {
  return {
    source: r.source,
    classes: r.classes.map((c) => ({ name: c.name, folders: [...c.folders], count: c.count })),
    skipped: r.skipped.map((s) => ({ path: s.path, reason: s.reason })),
    emptyClasses: [...r.emptyClasses],
    smallClasses: [...r.smallClasses],
    captioned: r.images.filter((i) => i.caption !== undefined).length,
  };
}

async function forget(store: Store<Collection>, keys: readonly string[]): Promise<void> {
  for (const key of keys) await store.delete('images', key).catch(() => {});
}

/** Checks and stores every image; the dataset is recorded only when at least 2 classes have images. */
export async function importInput(
  store: Store<Collection>,
  input: DatasetInput,
  o: ImportInputOptions,
): Promise<ImportOutcome> {
  const src = await sourceOf(input, o);
  // Images this import added: removed again when it ends without a dataset (cancelled, refused, failed).
  const added: string[] = [];
  let report: ImportReport;
  try {
    report = await importDataset(src, {
      decoder: o.decoder,
      signal: o.signal,
      onProgress: o.onProgress,
      onImage: async (img, bytes) => {
        const key = `${IMAGE_PREFIX}/${img.hash}`;
        if (await store.has('images', key)) return;
        const { caption: _c, ...meta } = img;
        await store.put('images', key, { ...meta }, bytes);
        added.push(key);
      },
    });
  } catch (e) {
    await forget(store, added);
    throw e;
  }
  const view = reportView(report);
  if (report.classes.length < 2) {
    // Refused, but the user sees the whole report: what was found and why files were skipped.
    await forget(store, added);
    return { report: view, refused: `${src.name}: ${tooFewClasses(report)}` };
  }
  const images: StoredImage[] = report.images.map((i) => ({
    path: i.path,
    className: i.className,
    hash: i.hash,
    bytes: i.bytes,
    ...(i.caption !== undefined && { caption: i.caption }),
  }));
  const id = (
    await itemKey(
      'dataset',
      images.map((i) => `${i.className}/${i.hash}`),
    )
  ).slice(-16);
  const dataset: StoredDataset = {
    id,
    name: src.name,
    importedAt: new Date().toISOString(),
    classes: report.classes.map((c) => ({ name: c.name, count: c.count })),
    images: images.length,
    demo: input.kind === 'demo',
  };
  const record: DatasetRecord = { dataset, images };
  await store.put('datasets', DATASET_PREFIX + id, JSON.parse(JSON.stringify(record)) as JsonObject);
  return { dataset, report: view };
}

async function records(store: Store<Collection>): Promise<DatasetRecord[]> {
  const out: DatasetRecord[] = [];
  for (const key of await store.keys('datasets', DATASET_PREFIX)) {
    const r = await store.get<JsonObject>('datasets', key);
    if (r) out.push(r.meta as unknown as DatasetRecord);
  }
  return out;
}

/** Newest first. */
export async function listDatasets(store: Store<Collection>): Promise<StoredDataset[]> {
  const out = (await records(store)).map((r) => r.dataset);
  return out.sort((a, b) => b.importedAt.localeCompare(a.importedAt));
}

/**
 * Forgets the dataset and frees its images that no other imported dataset holds (runs read images
 * only through a dataset record). Cached captions, candidates and features stay: importing the same
 * images again reuses them. Returns how many images were deleted.
 */
export async function deleteDataset(store: Store<Collection>, id: string): Promise<number> {
  const r = await store.get<JsonObject>('datasets', DATASET_PREFIX + id);
  if (!r) return 0;
  await store.delete('datasets', DATASET_PREFIX + id);
  const kept = new Set((await records(store)).flatMap((d) => d.images.map((i) => i.hash)));
  const orphans = new Set(
    (r.meta as unknown as DatasetRecord).images.map((i) => i.hash).filter((h) => !kept.has(h)),
  );
  for (const hash of orphans) await store.delete('images', `${IMAGE_PREFIX}/${hash}`);
  return orphans.size;
}

/** A stored dataset as a DatasetSource: the run imports it again from the store (every image cached). */
export async function storedSource(store: Store<Collection>, id: string): Promise<DatasetSource> {
  const r = await store.get<JsonObject>('datasets', DATASET_PREFIX + id);
  if (!r) throw new BadDatasetError(id, 'is not in this browser any more (import it again)');
  const rec = r.meta as unknown as DatasetRecord;
  const entries: DatasetSource['entries'] = rec.images.map((img) => ({
    path: img.path,
    size: img.bytes,
    label: img.className,
    read: async () => {
      const bytes = await store.data('images', `${IMAGE_PREFIX}/${img.hash}`);
      if (!bytes)
        throw new BadDatasetError(img.path, 'is missing from the browser store (import the dataset again)');
      return bytes;
    },
  }));
  const captions = Object.fromEntries(rec.images.flatMap((i) => (i.caption ? [[i.path, i.caption]] : [])));
  if (Object.keys(captions).length > 0) {
    const text = new TextEncoder().encode(JSON.stringify(captions));
    entries.push({ path: 'captions.json', size: text.length, read: async () => text });
  }
  return { name: rec.dataset.name, entries, emptyFolders: [], refused: [] };
}
