/**
 * One run as the app's pipeline worker performs it: a stored dataset, the chosen models, the form's
 * settings, the app's IndexedDB store (every item cached, so a reload mid-run resumes), and every
 * export built. Returns plain data (survives postMessage); exports are Blobs, the zip's on disk.
 */
import type { DownloadProgress, StageProgress } from '../../core/progress.ts';
import { Gpu } from '../../gpu/device.ts';
import { parseEmbeddingFile, type TokenEmbedding } from '../../stages/img2img/ti-file.ts';
import type { Collection } from '../../storage/schema.ts';
import type { Store } from '../../storage/store.ts';
import { resolveTrainConfig } from '../../train/config.ts';
import { exportBytes } from '../export/dataset.ts';
import { buildExports, PLUMBING_WARNING } from '../export-run.ts';
import type { ImageDecoder } from '../import/decoder.ts';
import { candidatePng } from '../items.ts';
import { openStages } from '../open-stages.ts';
import { IMAGE_PREFIX, type PipelineResult } from '../run.ts';
import { resolveSettings } from '../settings.ts';
import { runSweep, sweepTally } from '../sweep.ts';
import type { ExportDownload, GalleryClass, GalleryOriginal, RunRequest, RunSummary } from './contract.ts';
import { storedSource } from './datasets.ts';
import { zipBlob } from './export-zip.ts';
import { modelsFolderFor } from './models.ts';

const GALLERY_PER_CLASS = 2;
/**
 * The gallery crosses postMessage with its image bytes: past this many bytes (many classes, large
 * generated images) the remaining classes keep their captions and prompts but no images. The rarest
 * classes are served first: they are the ones the augmentation is for.
 */
export const GALLERY_BYTES = 64 * 2 ** 20;

/**
 * Which classes' gallery images stay out: classes are served rarest first (fewest training images),
 * each taking its bytes from the budget; a class that does not fit is omitted, smaller later ones may
 * still fit. Pure.
 */
export function galleryOmissions(
  sizes: readonly number[],
  trainCounts: readonly number[],
  budget: number,
): boolean[] {
  const order = sizes.map((_, k) => k).sort((a, b) => trainCounts[a] - trainCounts[b] || a - b);
  const omit = sizes.map(() => false);
  let spent = 0;
  for (const k of order) {
    if (spent + sizes[k] > budget) omit[k] = true;
    else spent += sizes[k];
  }
  return omit;
}

/** Small on purpose: it crosses postMessage (see GALLERY_BYTES). */
async function buildGallery(
  r: PipelineResult,
  store: Store<Collection>,
  budget = GALLERY_BYTES,
): Promise<GalleryClass[]> {
  const perClass: { originals: GalleryOriginal[]; size: number }[] = [];
  for (let k = 0; k < r.classes.length; k++) {
    const picked = r.split.train.filter((n) => r.labels[n] === k).slice(0, GALLERY_PER_CLASS);
    const originals: GalleryOriginal[] = [];
    for (const n of picked) {
      const bytes = await store.data('images', `${IMAGE_PREFIX}/${r.imported.images[n].hash}`);
      originals.push({
        caption: r.captions.get(n) ?? '',
        bytes: bytes ?? new Uint8Array(),
        candidates: await Promise.all(
          r.candidates
            .filter((c) => c.job.n === n)
            .map(async (c) => ({
              source: c.job.source,
              prompt: c.job.prompt,
              png: await candidatePng(store, c.key),
            })),
        ),
      });
    }
    const size = originals.reduce(
      (a, o) => a + o.bytes.length + o.candidates.reduce((b, c) => b + c.png.length, 0),
      0,
    );
    perClass.push({ originals, size });
  }
  const omit = galleryOmissions(
    perClass.map((c) => c.size),
    r.split.trainCounts,
    budget,
  );
  const gallery = perClass.map(
    ({ originals }, k): GalleryClass => ({
      name: r.classes[k],
      neighbours: r.neighbours[k].map((j) => r.classes[j]),
      originals: omit[k]
        ? originals.map((o) => ({
            caption: o.caption,
            bytes: new Uint8Array(),
            candidates: o.candidates.map((c) => ({ ...c, png: new Uint8Array() })),
          }))
        : originals,
      ...(omit[k] && { imagesOmitted: true }),
    }),
  );
  return gallery;
}

export interface AppRunOptions {
  store: Store<Collection>;
  decoder: ImageDecoder;
  /** Stage progress, and download progress when a cached model's file must be fetched again. */
  onProgress?: (p: StageProgress | DownloadProgress) => void;
  signal?: AbortSignal;
}

const slug = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'dataset';

export async function runInBrowser(req: RunRequest, o: AppRunOptions): Promise<RunSummary> {
  const { train, ...rest } = req.settings;
  const settings = resolveSettings({ ...rest, train: resolveTrainConfig(train) });
  const source = await storedSource(o.store, req.datasetId);
  const models = await modelsFolderFor(req.models, { signal: o.signal, onProgress: o.onProgress });
  const embeddings: TokenEmbedding[] = [];
  for (const f of req.ti ?? [])
    embeddings.push(...parseEmbeddingFile(new Uint8Array(await f.file.arrayBuffer()), f.path));
  const stages = await openStages(models.folder, models.where, { embeddings });
  let gpu: Gpu | undefined;
  try {
    const sweep = await runSweep({
      source,
      decoder: o.decoder,
      store: o.store,
      stages,
      settings,
      gpu: async () => {
        if (!gpu || gpu.lost) gpu = await Gpu.acquire();
        return gpu;
      },
      onProgress: (p) => {
        if (p.type === 'stage') o.onProgress?.(p);
      },
      signal: o.signal,
    });
    // the first profile is exported; the report and the methods table compare them all
    const result = sweep[0].result;
    o.onProgress?.({ type: 'stage', stage: 'export', done: 0, total: 1, unit: 'files' });
    const ex = await buildExports(result, stages, o.store, settings, { sweep });
    const name = slug(source.name);
    const metricsJson = new TextEncoder().encode(`${JSON.stringify(ex.metrics, null, 2)}\n`);
    const everything = [
      ...ex.files,
      { path: 'classifier.onnx', data: ex.classifier, compressed: false },
      { path: 'metrics.json', data: metricsJson, compressed: false },
    ];
    const small = (name: string, bytes: Uint8Array, type = mime(name)): ExportDownload => ({
      name,
      type,
      blob: new Blob([bytes as Uint8Array<ArrayBuffer>], { type }),
    });
    const zipName = `${name}-autogenda.zip`;
    const exports: ExportDownload[] = [
      { name: zipName, blob: await zipBlob(everything, zipName), type: 'application/zip' },
      small('classifier.onnx', ex.classifier, 'application/octet-stream'),
      small('metrics.json', metricsJson),
    ];
    for (const f of ex.files)
      if (!f.path.includes('/')) exports.push(small(f.path, await exportBytes(f.data)));
    o.onProgress?.({ type: 'stage', stage: 'export', done: 1, total: 1, unit: 'files' });
    const first = result.runs[0];
    return {
      plumbingOnly: stages.plumbingOnly,
      ...(stages.plumbingOnly && { warning: PLUMBING_WARNING }),
      dataset: { id: req.datasetId, name: source.name },
      settings: req.settings,
      classes: result.classes,
      trainCounts: result.split.trainCounts,
      sources: first.sources,
      runs: sweep.flatMap(({ profile, result: pr }) =>
        pr.runs.map((r) => ({
          method: r.method,
          seed: r.seed,
          top1: r.metrics.top1,
          meanClassAcc: r.metrics.meanClassAcc,
          perClass: r.metrics.perClass,
          sources: r.sources,
          probs: r.probs,
          history: r.history,
          profile,
          trainCounts: pr.split.trainCounts,
        })),
      ),
      profiles: sweep.map((x) => x.profile),
      testCount: first.metrics.count,
      models: { ...stages.ids },
      tally: sweepTally(sweep.map((r) => r.result)),
      generation: result.generation,
      notes: result.notes,
      modelCalls: result.modelCalls,
      gallery: await buildGallery(result, o.store),
      exports,
    };
  } finally {
    await stages.dispose();
    gpu?.destroy();
  }
}

function mime(path: string): string {
  if (path.endsWith('.json')) return 'application/json';
  if (path.endsWith('.md')) return 'text/markdown';
  if (path.endsWith('.jsonl')) return 'application/x-ndjson';
  return 'application/octet-stream';
}
