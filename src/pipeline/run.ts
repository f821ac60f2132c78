/**
 * The AutoGenDA run as one stage graph (ARCHITECTURE.md "Data flow"): import → split → caption →
 * neighbours → candidates → features → bank → search / final train / evaluate → export. Every item
 * is cached in the Store under its content + settings key (items.ts), so a re-run — or a run after a
 * crash — computes only what is missing; the tally counts computed vs cached items per stage.
 * Progress is one stream of StageProgress events. Pixels, candidates and features are read from the
 * store when needed; the feature bank is its index in memory and its rows on the GPU while training.
 * Only the sources the selected methods draw from are made (run-sources.ts): caption candidates,
 * DA-Fusion's fixed-prompt candidates, and views rendered on the GPU (counted as 'features' items).
 */
import { BadDatasetError } from '../core/errors.ts';
import { mapBounded } from '../core/map-bounded.ts';
import { topNeighbours } from '../core/neighbours.ts';
import type { StageName, StageProgress } from '../core/progress.ts';
import type { Gpu } from '../gpu/device.ts';
import type { ModelCalls } from '../ort/calls.ts';
import { storeGcNudge } from '../ort/gc-nudge.ts';
import { Augmenter } from '../stages/augment/augmenter.ts';
import { renderViews } from '../stages/augment/render-views.ts';
import type { RgbImage } from '../stages/image/resample.ts';
import { type Generation, resolveGeneration } from '../stages/img2img/generation.ts';
import type { Collection } from '../storage/schema.ts';
import type { Store } from '../storage/store.ts';
import type { StreamedBank } from '../train/bank-rows.ts';
import { BankBuilder } from './bank-build.ts';
import { storeRows } from './bank-rows-store.ts';
import type { ImageDecoder } from './import/decoder.ts';
import type { DatasetSource } from './import/entry.ts';
import { type ImportReport, importDataset } from './import/import.ts';
import { saveImage, saveReport } from './import/save.ts';
import {
  type Candidate,
  candidateItems,
  candidateKey,
  candidatePng,
  captionItems,
  captionKey,
  classEmbedding,
  decodeImage,
  type FeatureJob,
  featureKey,
  featureStream,
  storedCaptions,
} from './items.ts';
import { itemKey } from './keys.ts';
import { Lru } from './lru.ts';
import type { MemoContext } from './memo.ts';
import type { StagePlan } from './plan-file.ts';
import { planSplit, type RunSplit } from './plan-split.ts';
import { type CandidateJob, planCandidates } from './prompts.ts';
import { planRunSources } from './run-sources.ts';
import { RunStopped, type StopStage } from './run-stop.ts';
import type { PipelineSettings } from './settings.ts';
import { type Shard, shardFilter } from './shard.ts';
import type { PipelineStages } from './stages.ts';
import { count, type Tally } from './tally.ts';
import { tiTokensByClass, withClassToken } from './ti-classes.ts';
import { type RunOutcome, trainRuns } from './train-runs.ts';

/** Images are stored once by content hash, whatever dataset they came in. */
export const IMAGE_PREFIX = 'by-hash';
/** Decoded images kept at once: a candidate's parent is used K times in a row, then rarely again. */
const PIXEL_CACHE = 32;

export interface PipelineInput {
  source: DatasetSource;
  decoder: ImageDecoder;
  store: Store<Collection>;
  stages: PipelineStages;
  settings: PipelineSettings;
  /** Acquired only when a training run or a view is not cached. */
  gpu: () => Promise<Gpu>;
  onProgress?: (p: StageProgress) => void;
  signal?: AbortSignal;
  /** Decoded images kept at once (default PIXEL_CACHE); the rest are read from the store again. */
  pixelCache?: number;
  /**
   * `--shard I/N` (issue 15): compute only this shard's items of each model stage (shard.ts), then stop
   * before training (RunStopped); captions of other shards are read from the store, or the run stops
   * waiting for them.
   */
  shard?: Shard;
  /** Stop after this stage, before training (RunStopped): e.g. a sharded run's caption phase. */
  until?: StopStage;
  /** Each model stage's items (partition key, cache key) once known, for `autogenda status`. */
  onPlan?: (plan: Omit<StagePlan, 'shards'>) => Promise<void>;
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
  /** The bank's index; its rows are read from the store (not held by the run). */
  bank: StreamedBank;
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
  // a method drawing from a source no run can make is refused before any work
  const made = planRunSources(s.methods, s);
  const callsBefore = st.modelCalls?.() ?? {};
  const { notes, ...generation } = resolveGeneration(
    { strength: s.strength, steps: s.steps, guidance: s.guidance },
    st.generationDefaults ?? {},
    st.ids.img2img,
  );
  const tally: Tally = {};
  const ctx: MemoContext = { store, tally };
  /** Ends the run here when asked to (whatever other shards still owe), or when their items are missing. */
  const stopIf = (stage: StopStage, waiting: number) => {
    if (p.until === stage || waiting > 0) {
      const owed = p.until === stage ? 0 : waiting;
      throw new RunStopped(stage, owed, tally, callsSince(callsBefore, st.modelCalls?.() ?? {}));
    }
  };
  const progress = (stage: StageName, done: number, total: number, unit: string) =>
    p.onProgress?.({ type: 'stage', stage, done, total, unit });
  // one collection between stages: a stage's planning (tens of thousands of keys hashed) leaves garbage
  // that V8 frees late, and the next stage's peak sits on top of it (Deno; a no-op in browsers)
  const tidy = async () => (await storeGcNudge()).collect();

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
  // decoded on demand, the last few kept: memory does not grow with the dataset
  const pixels = new Lru<number, RgbImage>(p.pixelCache ?? PIXEL_CACHE, async (n) => {
    const bytes = await store.data('images', `${IMAGE_PREFIX}/${hashes[n]}`);
    if (!bytes) throw new BadDatasetError(imported.images[n].path, 'is missing from the store');
    return decodeImage(p.decoder, bytes, imported.images[n].path);
  });
  const image = (n: number) => () => pixels.get(n);

  progress('split', 0, 1, 'splits');
  const split = planSplit(labels, classes, s.profile, s.seed, s.testFraction);
  progress('split', 1, 1, 'splits');
  const pool = [...split.train, ...split.valid].sort((a, b) => a - b);

  // caption: imported captions replace the captioner; the rest go to it s.batchCaption images per call
  const captions = new Map<number, string>();
  const toCaption: number[] = [];
  for (const n of pool) {
    const given = imported.images[n].caption;
    if (given === undefined) toCaption.push(n);
    else captions.set(n, given);
  }
  progress('caption', captions.size, pool.length, 'images');
  const captionJobs = toCaption.map((n) => ({
    hash: hashes[n],
    className: classes[labels[n]],
    image: image(n),
  }));
  if (p.onPlan) {
    const items = await mapBounded(
      captionJobs,
      async (j): Promise<[string, string]> => [j.hash, await captionKey(st, j.hash, j.className)],
    );
    await p.onPlan({ stage: 'caption', collection: 'captions', items });
  }
  // a shard captions its own images and reads the others' captions from the store
  const mineCaption = shardFilter(
    'caption',
    captionJobs.map((j) => j.hash),
    p.shard,
  );
  const mine = toCaption.flatMap((_, i) => (mineCaption(captionJobs[i].hash) ? [i] : []));
  const captioned = await captionItems(
    ctx,
    st,
    mine.map((i) => captionJobs[i]),
    {
      batch: s.batchCaption,
      signal,
      onItem: (done) => progress('caption', pool.length - toCaption.length + done, pool.length, 'images'),
    },
  );
  mine.forEach((i, b) => {
    captions.set(toCaption[i], captioned[b]);
  });
  const others = toCaption.flatMap((_, i) => (mineCaption(captionJobs[i].hash) ? [] : [i]));
  const found = await storedCaptions(
    ctx,
    st,
    others.map((i) => captionJobs[i]),
  );
  let waiting = 0;
  others.forEach((i, b) => {
    const c = found[b];
    if (c === undefined) waiting++;
    else captions.set(toCaption[i], c);
  });
  await st.release?.('captioner');
  stopIf('caption', waiting);

  // neighbours: class-name embeddings → top-m cosine neighbours
  const vectors: Float32Array[] = [];
  for (let k = 0; k < classes.length; k++) {
    vectors.push(await classEmbedding(ctx, st, classes[k]));
    progress('neighbours', k + 1, classes.length, 'names');
  }
  const neighbours = topNeighbours(vectors, Math.min(s.neighbours, classes.length - 1)).indices;

  await st.release?.('embedder');

  // candidates: local, transfer and fixed prompts (those the methods need) through img2img
  const planned = planCandidates({
    pool,
    labels,
    classes,
    hashes,
    captions,
    neighbours,
    kLocal: made.kLocal,
    kTransfer: made.kTransfer,
    kPrompt: made.kPrompt,
    seed: s.seed,
  });

  // DA-Fusion: a class with a learned token is named by it in every prompt of that class
  const jobs = planned.map((j) => {
    const y = labels[j.n];
    return { ...j, prompt: withClassToken(j.prompt, classes[y], tiTokens.get(y)) };
  });

  // uncached candidates go through img2img s.batchGenerate per call, each with its own prompt and seed
  const candidateJobs = jobs.map((j) => ({
    job: j,
    parentHash: hashes[j.n],
    className: classes[labels[j.n]],
    image: image(j.n),
  }));
  // a candidate's partition key is known before its prompt's captions are: parent, source, index
  const candidatePart = (j: CandidateJob) => `${hashes[j.n]}:${j.source}:${j.j}`;

  if (p.onPlan) {
    const keys = await mapBounded(candidateJobs, (c) => candidateKey(st, c, generation));

    const parts = candidateJobs.map((c) => candidatePart(c.job));
    await p.onPlan({
      stage: 'candidates',
      collection: 'candidates',
      items: parts.map((part, i) => [part, keys[i]]),
    });
    // a candidate's feature is made by the shard that made the candidate
    const fkeys = await mapBounded(keys, (k) => featureKey(st, k));
    await p.onPlan({
      stage: 'candidate-features',
      partition: 'candidates',
      collection: 'features',
      items: parts.map((part, i) => [part, fkeys[i]]),
    });
  }
  const mineCandidate = shardFilter(
    'candidates',
    candidateJobs.map((c) => candidatePart(c.job)),
    p.shard,
  );
  const ownJobs = p.shard ? candidateJobs.filter((c) => mineCandidate(candidatePart(c.job))) : candidateJobs;
  await tidy();

  const candidates: Candidate[] = await candidateItems(ctx, st, ownJobs, generation, {
    batch: s.batchGenerate,
    signal,
    onItem: (done) => progress('candidates', done, ownJobs.length, 'images'),
  });
  await st.release?.('img2img');
  stopIf('candidates', 0);

  // features: φ of every real image, every candidate and every view, uncached ones a batch per backbone
  // call, each written into the bank as it comes (the bank is the one thing a run must hold whole)
  const sourceNames = made.order.slice(1);
  const counts = new Map(sourceNames.map((name) => [name, new Map<number, number>()]));
  for (const v of made.views) for (const n of pool) counts.get(v)?.set(n, made.kViews);
  const slot = candidates.map((c) => {
    const bySource = counts.get(c.job.source) as Map<number, number>;
    const j = bySource.get(c.job.n) ?? 0;
    bySource.set(c.job.n, j + 1);
    return { s: 1 + sourceNames.indexOf(c.job.source), n: c.job.n, j };
  });
  const viewJobs = made.views.flatMap((source) =>
    pool.flatMap((n) =>
      Array.from({ length: made.kViews }, (_, k) => ({ source, n, k, s: 1 + sourceNames.indexOf(source) })),
    ),
  );
  // the bank's index only: its rows stay in the store (rowJob: row → feature job, for their keys)
  const builder = new BankBuilder(
    { classes, labels, split, counts, D: st.featureDim, K: made.K },
    { keep: false },
  );
  const rowJob = new Array<number>(builder.rowCount);
  const featureJobs: FeatureJob[] = [
    ...labels.map((_, n) => ({ id: hashes[n], image: image(n) })),
    ...candidates.map((c) => ({
      id: c.key,
      image: async () => decodeImage(p.decoder, await candidatePng(store, c.key), c.key),
    })),
    ...viewJobs.map((v) => ({
      id: hashes[v.n],
      image: image(v.n),
      view: { source: v.source, k: v.k, seed: s.seed },
    })),
  ];
  // the source of each feature job, for the per-method bank keys below
  const jobSource = [
    ...labels.map(() => 'identity'),
    ...candidates.map((c) => c.job.source as string),
    ...viewJobs.map((v) => v.source),
  ];
  let augmenter: Augmenter | undefined;
  const render = async (views: Parameters<typeof renderViews>[1]) => {
    if (!st.backbonePreprocess) throw new Error('views need the backbone preprocess: these stages give none');
    if (!augmenter || augmenter.gpu.lost) augmenter = await Augmenter.create(await p.gpu());
    return renderViews(augmenter, views, st.backbonePreprocess);
  };
  const viewPart = (v: (typeof viewJobs)[number]) => `${hashes[v.n]}:${v.source}:${v.k}`;
  if (p.onPlan) {
    const real = await mapBounded(
      hashes,
      async (h): Promise<[string, string]> => [h, await featureKey(st, h)],
    );
    const views = await mapBounded(
      viewJobs,
      async (v): Promise<[string, string]> => [
        viewPart(v),
        await featureKey(st, hashes[v.n], { source: v.source, k: v.k, seed: s.seed }),
      ],
    );
    await p.onPlan({ stage: 'features', collection: 'features', items: [...real, ...views] });
  }
  if (p.shard) {
    // a shard's features: its share of the real images and views, and its own candidates' (made above)
    const mineFeature = shardFilter('features', [...hashes, ...viewJobs.map(viewPart)], p.shard);
    const nc = labels.length + candidates.length;
    const own = featureJobs.filter((_, i) =>
      i < labels.length ? mineFeature(hashes[i]) : i < nc || mineFeature(viewPart(viewJobs[i - nc])),
    );
    await featureStream(ctx, st, own, () => {}, {
      signal,
      values: false,
      onItem: (done) => progress('features', done, own.length, 'images'),
      render: (vs) => render(vs.map(({ image: im, id, view }) => ({ image: im, hash: id, ...view }))),
    });
    stopIf('features', 0);
    throw new RunStopped('features', 0, tally, callsSince(callsBefore, st.modelCalls?.() ?? {}));
  }
  await tidy();
  const featureKeys = await featureStream(
    ctx,
    st,
    featureJobs,
    (i, f) => {
      if (i < labels.length) rowJob[builder.real(i, f)] = i;
      else if (i < labels.length + candidates.length) {
        const { s: source, n, j } = slot[i - labels.length];
        rowJob[builder.candidate(source, n, j, f)] = i;
      } else {
        const v = viewJobs[i - labels.length - candidates.length];
        rowJob[builder.candidate(v.s, v.n, v.k, f)] = i;
      }
    },
    {
      signal,
      values: false,
      onItem: (done) => progress('features', done, featureJobs.length, 'images'),
      render: (vs) => render(vs.map(({ image: im, id, view }) => ({ image: im, hash: id, ...view }))),
    },
  );
  stopIf('features', 0);
  const bank: StreamedBank = {
    ...builder.meta,
    rows: storeRows(
      store,
      rowJob.map((i) => featureKeys[i]),
      st.featureDim,
    ),
  };
  /**
   * A method's bank key: the features of its own sources (in the run's item order), the labels, the
   * split and its sources in its order; K when its sources alone would not give it (identity-only), so
   * `autogenda` on a run of identity/local/transfer keeps the key a whole-bank key had before.
   */
  const keyFor = (sources: readonly string[]) => {
    const own = Math.max(1, ...sources.map((x) => (x === 'identity' ? 1 : made.perImage(x))));
    return itemKey('bank', {
      features: featureKeys.filter((_, i) => sources.includes(jobSource[i])),
      labels,
      split: { train: split.train, valid: split.valid, test: split.test },
      sources: [...sources],
      ...(own !== bank.K && { K: bank.K }),
    });
  };
  await tidy();
  const runs = await trainRuns(ctx, bank, keyFor, {
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
