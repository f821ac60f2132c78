/**
 * The demo run as the web app's pipeline worker exposes it: fixture models built in memory, the
 * procedural demo dataset, small settings, an IndexedDB store (resumable cache), and the exports
 * zipped. Returns plain data (survives postMessage); the zip's buffer is transferable.
 */
import { topNeighbours } from '../core/neighbours.ts';
import type { StageProgress } from '../core/progress.ts';
import { Gpu } from '../gpu/device.ts';
import { openIdbStore } from '../storage/idb.ts';
import { resolveTrainConfig } from '../train/config.ts';
import { demoSource } from './demo-browser.ts';
import { toZip } from './export/write.ts';
import { buildExports, PLUMBING_WARNING } from './export-run.ts';
import { fixtureModelsFolder } from './fixtures-browser.ts';
import { browserDecoder } from './import/decode-browser.ts';
import { classEmbedding } from './items.ts';
import { openStages } from './open-stages.ts';
import { IMAGE_PREFIX, type PipelineResult, runPipeline } from './run.ts';
import { resolveSettings } from './settings.ts';
import type { PipelineStages } from './stages.ts';
import type { Tally } from './tally.ts';

export interface DemoRunSummary {
  plumbingOnly: boolean;
  warning?: string;
  classes: string[];
  trainCounts: number[];
  sources: string[];
  /** probs[class][source]: the first run's learned policy. */
  probs: number[][];
  runs: { method: string; seed: number; top1: number; meanClassAcc: number; perClass: (number | null)[] }[];
  testCount: number;
  models: Record<string, string>;
  zip: Uint8Array;
  /** Per stage: items computed by this run vs found in the store (a resumed run reuses most). */
  tally: Tally;
  /** Per class: its neighbour classes and up to 2 training originals with their candidates. */
  gallery: GalleryClass[];
}

export interface GalleryCandidate {
  source: string;
  prompt: string;
  png: Uint8Array;
}

export interface GalleryOriginal {
  caption: string;
  /** The stored image's bytes (as imported). */
  bytes: Uint8Array;
  candidates: GalleryCandidate[];
}

export interface GalleryClass {
  name: string;
  neighbours: string[];
  originals: GalleryOriginal[];
}

const GALLERY_PER_CLASS = 2;

/** Small on purpose: it crosses postMessage. Embeddings are cached, so neighbours cost no model call. */
async function buildGallery(
  r: PipelineResult,
  stages: PipelineStages,
  store: Awaited<ReturnType<typeof openIdbStore>>,
  m: number,
): Promise<GalleryClass[]> {
  const ctx = { store, tally: {} };
  const vectors: Float32Array[] = [];
  for (const c of r.classes) vectors.push(await classEmbedding(ctx, stages, c));
  const nb = topNeighbours(vectors, Math.min(m, r.classes.length - 1)).indices;
  const gallery: GalleryClass[] = [];
  for (let k = 0; k < r.classes.length; k++) {
    const picked = r.split.train.filter((n) => r.labels[n] === k).slice(0, GALLERY_PER_CLASS);
    const originals: GalleryOriginal[] = [];
    for (const n of picked) {
      const bytes = await store.data('images', `${IMAGE_PREFIX}/${r.imported.images[n].hash}`);
      originals.push({
        caption: r.captions.get(n) ?? '',
        bytes: bytes ?? new Uint8Array(),
        candidates: r.candidates
          .filter((c) => c.job.n === n)
          .map((c) => ({ source: c.job.source, prompt: c.job.prompt, png: c.png })),
      });
    }
    gallery.push({ name: r.classes[k], neighbours: nb[k].map((j) => r.classes[j]), originals });
  }
  return gallery;
}

export interface DemoRunOptions {
  onProgress?: (p: StageProgress) => void;
  signal?: AbortSignal;
  /** IndexedDB database name (tests pass a fresh one). */
  storeName?: string;
}

export async function runDemo(o: DemoRunOptions = {}): Promise<DemoRunSummary> {
  // Tiny everything, as the CLI's own end-to-end run: 2 img2img steps, 1 candidate per source.
  const settings = resolveSettings({
    kLocal: 1,
    kTransfer: 1,
    steps: 2,
    neighbours: 2,
    train: resolveTrainConfig({ epochs: 2, finalEpochs: 2 }),
  });
  const stages = await openStages(await fixtureModelsFolder(), 'fixture models (in memory)');
  const store = await openIdbStore({ name: o.storeName ?? 'autogenda-demo' });
  let gpu: Gpu | undefined;
  try {
    const result = await runPipeline({
      source: demoSource(),
      decoder: browserDecoder,
      store,
      stages,
      settings,
      gpu: async () => {
        gpu ??= await Gpu.acquire();
        return gpu;
      },
      onProgress: (p) => {
        if (p.type === 'stage') o.onProgress?.(p);
      },
      signal: o.signal,
    });
    const ex = await buildExports(result, stages, store, settings);
    const best = result.runs[0];
    return {
      plumbingOnly: stages.plumbingOnly,
      ...(stages.plumbingOnly && { warning: PLUMBING_WARNING }),
      classes: result.classes,
      trainCounts: result.split.trainCounts,
      sources: best.sources,
      probs: best.probs,
      runs: result.runs.map((r) => ({
        method: r.method,
        seed: r.seed,
        top1: r.metrics.top1,
        meanClassAcc: r.metrics.meanClassAcc,
        perClass: r.metrics.perClass,
      })),
      testCount: best.metrics.count,
      models: { ...stages.ids },
      zip: toZip(ex.files),
      tally: result.tally,
      gallery: await buildGallery(result, stages, store, settings.neighbours),
    };
  } finally {
    await store.close();
    await stages.dispose();
    gpu?.destroy();
  }
}
