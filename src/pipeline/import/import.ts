/**
 * Import (ALGORITHM.md §1): every file of a DatasetSource is checked — size, header (format, size
 * limits, truncation) BEFORE decoding, then a real decode, then its content hash for duplicates —
 * and either kept or listed with the reason. Nothing throws for a bad file: the report says
 * what was skipped and why, and which classes are empty or too small. Class folders are normalised (normaliseClassName) and folders that name
 * the same class are merged. Files are processed in path order, so "duplicate of" always points at
 * the same kept file.
 */
import { normaliseClassName } from '../../core/caption.ts';
import { CancelledError } from '../../core/errors.ts';
import type { StageProgress } from '../../core/progress.ts';
import { attachCaptions, type CaptionReport, isCaptionFile } from './captions.ts';
import type { ImageDecoder } from './decoder.ts';
import { type DatasetEntry, type DatasetSource, EntryError } from './entry.ts';
import { sha256Hex } from './hash.ts';
import { displaySize, type ImageFormat, readHeader } from './header.ts';
import { DEFAULT_LIMITS, type ImportLimits } from './limits.ts';

export interface ImportedImage {
  path: string;
  className: string;
  /** sha256 of the file's bytes, hex: the image's identity everywhere downstream. */
  hash: string;
  format: ImageFormat;
  /** Upright (after EXIF orientation). */
  width: number;
  height: number;
  orientation: number;
  bytes: number;
  caption?: string;
}

export interface SkippedFile {
  path: string;
  reason: string;
}

export interface ImportedClass {
  name: string;
  /** The folders (or list labels) merged into it. */
  folders: string[];
  count: number;
}

export interface ImportReport {
  source: string;
  /** Sorted by name; only classes with at least one image. */
  classes: ImportedClass[];
  images: ImportedImage[];
  skipped: SkippedFile[];
  /** Folders with no usable image, e.g. an empty class folder. */
  emptyClasses: string[];
  /** Classes with fewer than 2 images: too few to split into train and validation. */
  smallClasses: string[];
  captions?: CaptionReport;
}

export interface ImportOptions {
  decoder: ImageDecoder;
  limits?: Partial<ImportLimits>;
  /** A captions file (JSON/CSV keyed by image path); a root-level captions.json/.csv is used otherwise. */
  captions?: { name: string; text: string };
  /** Receives every kept image with its bytes (to store it); the report keeps no pixels. */
  onImage?: (img: ImportedImage, bytes: Uint8Array) => Promise<void>;
  onProgress?: (p: StageProgress) => void;
  signal?: AbortSignal;
}

export async function importDataset(src: DatasetSource, o: ImportOptions): Promise<ImportReport> {
  const L = { ...DEFAULT_LIMITS, ...o.limits };
  const skipped: SkippedFile[] = src.refused.map((r) => ({ ...r }));
  const images: ImportedImage[] = [];
  const classes = new Map<string, ImportedClass>(); // by lower-cased name
  const byHash = new Map<string, string>();
  const entries = [...src.entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  let captionFile = o.captions;
  // Top-level folders (class candidates), including empty ones: a folder left with no image is reported.
  const seen = new Set(src.emptyFolders.filter((d) => !d.includes('/')));
  const total = entries.length;
  const progress = (done: number) =>
    o.onProgress?.({ type: 'stage', stage: 'import', done, total, unit: 'files' });
  progress(0);
  for (let i = 0; i < entries.length; i++) {
    if (o.signal?.aborted) throw new CancelledError('Import cancelled.');
    const e = entries[i];
    const folder = e.label ?? (e.path.includes('/') ? e.path.slice(0, e.path.indexOf('/')) : undefined);
    if (folder === undefined) {
      if (!isCaptionFile(e.path)) skipped.push({ path: e.path, reason: 'not inside a class folder' });
      else if (!captionFile) captionFile = await readCaptionFile(e, L.maxFileBytes, skipped);
      progress(i + 1);
      continue;
    }
    seen.add(folder);
    const name = normaliseClassName(folder);
    const r = name ? await check(e, L, o.decoder) : { reason: `class folder '${folder}' has no usable name` };
    if ('reason' in r) skipped.push({ path: e.path, reason: r.reason });
    else {
      const first = byHash.get(r.img.hash);
      if (first !== undefined) skipped.push({ path: e.path, reason: `duplicate of ${first}` });
      else {
        byHash.set(r.img.hash, e.path);
        const key = name.toLowerCase();
        const c = classes.get(key) ?? { name, folders: [], count: 0 };
        classes.set(key, c);
        if (!c.folders.includes(folder)) c.folders.push(folder);
        c.count++;
        const img = { ...r.img, className: c.name };
        images.push(img);
        await o.onImage?.(img, r.bytes);
      }
    }
    progress(i + 1);
  }
  const list = [...classes.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const kept = new Set(list.flatMap((c) => c.folders));
  const report: ImportReport = {
    source: src.name,
    classes: list,
    images,
    skipped,
    emptyClasses: [...seen].filter((f) => !kept.has(f)).sort(),
    smallClasses: list.filter((c) => c.count < 2).map((c) => c.name),
  };
  if (captionFile) report.captions = attachCaptions(captionFile, images, src.name);
  return report;
}

async function readCaptionFile(e: DatasetEntry, max: number, skipped: SkippedFile[]) {
  if (e.size > max) {
    skipped.push({ path: e.path, reason: `captions file is over the ${max / 2 ** 20} MB limit` });
    return undefined;
  }
  try {
    return { name: e.path, text: new TextDecoder().decode(await e.read()) };
  } catch (err) {
    skipped.push({ path: e.path, reason: `cannot be read (${(err as Error).message})` });
    return undefined;
  }
}

type Checked = { img: Omit<ImportedImage, 'className'>; bytes: Uint8Array } | { reason: string };

async function check(e: DatasetEntry, L: ImportLimits, decoder: ImageDecoder): Promise<Checked> {
  if (e.size > L.maxFileBytes)
    return {
      reason: `file is ${(e.size / 2 ** 20).toFixed(1)} MB, over the ${L.maxFileBytes / 2 ** 20} MB limit`,
    };
  let bytes: Uint8Array;
  try {
    bytes = await e.read();
  } catch (err) {
    if (err instanceof EntryError) return { reason: err.message };
    return { reason: `cannot be read (${(err as Error).message})` };
  }
  const h = readHeader(bytes);
  if ('reason' in h) return h;
  if (h.width === 0 || h.height === 0) return { reason: `image has zero size (${h.width}×${h.height})` };
  if (h.width > L.maxSide || h.height > L.maxSide || h.width * h.height > L.maxPixels) {
    return {
      reason: `image is ${h.width}×${h.height} pixels, over the limit (${L.maxSide} per side, ${(L.maxPixels / 1e6).toFixed(0)} MP); it was not decoded`,
    };
  }
  try {
    await decoder.decode(bytes, h);
  } catch (err) {
    return { reason: `${h.format.toUpperCase()} cannot be decoded (${(err as Error).message})` };
  }
  const hash = await sha256Hex(bytes);
  return {
    img: {
      path: e.path,
      hash,
      format: h.format,
      ...displaySize(h),
      orientation: h.orientation,
      bytes: bytes.length,
    },
    bytes,
  };
}
