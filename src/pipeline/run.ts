/**
 * The AutoGenDA run as one stage graph (ARCHITECTURE.md "Data flow"): import → split → caption →
 * neighbours → candidates → features → bank → search / final train / evaluate → export. Every item
 * is cached in the Store under its content + settings key (items.ts), so a re-run — or a run after a
 * crash — computes only what is missing; the tally counts computed vs cached items per stage.
 * Progress is one stream of StageProgress events. Pixels stay in memory for the run (small datasets).
 */
import { BadDatasetError } from '../core/errors.ts';
import { topNeighbours } from '../core/neighbours.ts';
import type { StageName, StageProgress } from '../core/progress.ts';
import type { Gpu } from '../gpu/device.ts';
import type { ModelCalls } from '../ort/calls.ts';
import type { RgbImage } from '../stages/image/resample.ts';
import { type Generation, resolveGeneration } from '../stages/img2img/generation.ts';
import type { Collection } from '../storage/schema.ts';
import type { Store } from '../storage/store.ts';
import type { FeatureBank } from '../train/bank.ts';
import { assembleBank } from './bank-build.ts';
import { checkCancelled } from './cancel.ts';
import type { ImageDecoder } from './import/decoder.ts';
import type { DatasetSource } from './import/entry.ts';
import { type ImportReport, importDataset } from './import/import.ts';
import { saveImage, saveReport } from './import/save.ts';
import {
  type Candidate,
  candidateItem,
  captionItem,
  classEmbedding,
  decodeImage,
  type FeatureJob,
  featureItems,
} from './items.ts';
import { itemKey } from './keys.ts';
import type { MemoContext } from './memo.ts';
import { planSplit, type RunSplit } from './plan-split.ts';
import { planCandidates } from './prompts.ts';
import type { PipelineSettings } from './settings.ts';
import type { PipelineStages } from './stages.ts';
import { count, type Tally } from './tally.ts';
import { tiTokensByClass, withClassToken } from './ti-classes.ts';
import { type RunOutcome, trainRuns } from './train-runs.ts';

/** Images are stored once by content hash, whatever dataset they came in. */
export const IMAGE_PREFIX = 'by-hash';

export interface PipelineInput {
  source: DatasetSource;
  decoder: ImageDecoder;
  store: Store<Collection>;
  stages: PipelineStages;
  settings: PipelineSettings;
  /** Acquired only when a training run is not cached. */
  gpu: () => Promise<Gpu>;
  onProgress?: (p: StageProgress) => void;
  signal?: AbortSignal;
}

export interface PipelineResult {
  imported: ImportReport;
  classes: string[];
  labels: number[];
  split: RunSplit;
  /** Caption of each training image (imported or from the captioner), by image index. */
  captions: Map<number, string>;
  /** Per class: its neighbour classes (indices), nearest first. */
  neighbours: number[][];
  bank: FeatureBank;
  candidates: Candidate[];
  runs: RunOutcome[];
  tally: Tally;
  /** The img2img settings the candidates were made with (the run's, else the model's; corrected). */
  generation: Omit<Generation, 'notes'>;
  /** Things the user should know that changed nothing finished (a setting corrected, …). */
  notes: string[];
  /** Model calls made by this invocation, "<task>.<session>" → {calls, samples}; all 0 when cached. */
  modelCalls: ModelCalls;
}

export async function runPipeline(p: PipelineInput): Promise<PipelineResult> {
  const { store, stages: st, settings: s, signal } = p;
  const callsBefore = st.modelCalls?.() ?? {};
  const { notes, ...generation } = resolveGeneration(
    { strength: s.strength, steps: s.steps, guidance: s.guidance },
    st.generationDefaults ?? {},
    st.ids.img2img,
  );
  const tally: Tally = {};
  const ctx: MemoContext = { store, tally };
  const progress = (stage: StageName, done: number, total: number, unit: string) =>
    p.onProgress?.({ type: 'stage', stage, done, total, unit });

  // import: every kept image stored by content hash (a stored one counts as cached)
  const save = saveImage(store, IMAGE_PREFIX);
  const imported = await importDataset(p.source, {
    decoder: p.decoder,
    signal,
    onProgress: p.onProgress,
    onImage: async (img, bytes) => {
      const had = await store.has('images', `${IMAGE_PREFIX}/${img.hash}`);
      if (!had) await save(img, bytes);
      count(tally, 'import', had);
    },
  });
  const datasetKey = await itemKey(
    'dataset',
    imported.images.map((i) => `${i.className}/${i.hash}`),
  );
  await saveReport(store, datasetKey.replace('/', '-'), imported);
  const classes = imported.classes.map((c) => c.name);
  if (classes.length < 2) {
    throw new BadDatasetError(
      imported.source,
      `needs at least 2 classes with images, found ${classes.length}`,
    );
  }
  // a textual-inversion file made for other classes is refused now, before any model runs
  const tiTokens = tiTokensByClass(st.tiTokens ?? [], classes);
  const classIndex = new Map(classes.map((c, k) => [c, k]));
  const labels = imported.images.map((i) => classIndex.get(i.className) as number);
  const hashes = imported.images.map((i) => i.hash);
  const pixels = new Map<number, RgbImage>();
  const image = (n: number) => async () => {
    let img = pixels.get(n);
    if (!img) {
      const bytes = await store.data('images', `${IMAGE_PREFIX}/${hashes[n]}`);
      if (!bytes) throw new BadDatasetError(imported.images[n].path, 'is missing from the store');
      img = await decodeImage(p.decoder, bytes, imported.images[n].path);
      pixels.set(n, img);
    }
    return img;
  };

  progress('split', 0, 1, 'splits');
  const split = planSplit(labels, classes, s.profile, s.seed, s.testFraction);
  progress('split', 1, 1, 'splits');
  const pool = [...split.train, ...split.valid].sort((a, b) => a - b);

  // caption: imported captions replace the captioner
  const captions = new Map<number, string>();
  for (let i = 0; i < pool.length; i++) {
    checkCancelled(signal);
    const n = pool[i];
    const given = imported.images[n].caption;
    captions.set(n, given ?? (await captionItem(ctx, st, hashes[n], classes[labels[n]], image(n))));
    progress('caption', i + 1, pool.length, 'images');
  }
  await st.release?.('captioner');

  // neighbours: class-name embeddings → top-m cosine neighbours
  const vectors: Float32Array[] = [];
  for (let k = 0; k < classes.length; k++) {
    vectors.push(await classEmbedding(ctx, st, classes[k]));
    progress('neighbours', k + 1, classes.length, 'names');
  }
  const neighbours = topNeighbours(vectors, Math.min(s.neighbours, classes.length - 1)).indices;
  await st.release?.('embedder');

  // candidates: local and transfer prompts through img2img
  const planned = planCandidates({
    pool,
    labels,
    classes,
    hashes,
    captions,
    neighbours,
    kLocal: s.kLocal,
    kTransfer: s.kTransfer,
    seed: s.seed,
  });
  // DA-Fusion: a class with a learned token is named by it in every prompt of that class
  const jobs = planned.map((j) => {
    const y = labels[j.n];
    return { ...j, prompt: withClassToken(j.prompt, classes[y], tiTokens.get(y)) };
  });
  const gen = generation;
  const candidates: Candidate[] = [];
  for (let i = 0; i < jobs.length; i++) {
    checkCancelled(signal);
    const j = jobs[i];
    candidates.push(await candidateItem(ctx, st, j, hashes[j.n], classes[labels[j.n]], gen, image(j.n)));
    progress('candidates', i + 1, jobs.length, 'images');
  }
  await st.release?.('img2img');

  // features: φ of every real image and every candidate, uncached ones a batch per backbone call
  const featureJobs: FeatureJob[] = [
    ...labels.map((_, n) => ({ id: hashes[n], image: image(n) })),
    ...candidates.map((c) => ({ id: c.key, image: () => decodeImage(p.decoder, c.png, c.key) })),
  ];
  const feats = await featureItems(ctx, st, featureJobs, {
    signal,
    onItem: (done) => progress('features', done, featureJobs.length, 'images'),
  });
  const featureKeys = feats.map((x) => x.key);
  const real = feats.slice(0, labels.length).map((x) => x.f);
  const generated = new Map<string, Map<number, Float32Array[]>>();
  if (s.kLocal > 0) generated.set('local', new Map());
  if (s.kTransfer > 0) generated.set('transfer', new Map());
  for (let i = 0; i < candidates.length; i++) {
    const c = candidates[i];
    const bySource = generated.get(c.job.source) as Map<number, Float32Array[]>;
    bySource.set(c.job.n, [...(bySource.get(c.job.n) ?? []), feats[labels.length + i].f]);
  }

  const bank = assembleBank({ classes, labels, split, real, generated, D: st.featureDim });
  const bankKey = await itemKey('bank', {
    features: featureKeys,
    labels,
    split: { train: split.train, valid: split.valid, test: split.test },
    sources: bank.sources,
  });
  const runs = await trainRuns(ctx, bank, bankKey, {
    methods: s.methods,
    seeds: s.seeds,
    train: s.train,
    gpu: p.gpu,
    onProgress: p.onProgress,
    signal,
  });
  return {
    imported,
    classes,
    labels,
    split,
    captions,
    neighbours,
    bank,
    candidates,
    runs,
    tally,
    generation,
    notes: [...notes, ...(st.warnings?.() ?? []).map((w) => `model: ${w}`)],
    modelCalls: callsSince(callsBefore, st.modelCalls?.() ?? {}),
  };
}

/** The calls made between two snapshots (a models object may serve several runs). */
function callsSince(before: ModelCalls, after: ModelCalls): ModelCalls {
  const out: ModelCalls = {};
  for (const [k, a] of Object.entries(after)) {
    const b = before[k] ?? { calls: 0, samples: 0 };
    out[k] = { calls: a.calls - b.calls, samples: a.samples - b.samples };
  }
  return out;
}
