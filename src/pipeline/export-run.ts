/**
 * A finished run → its exports: the augmented dataset (training images + the candidates of the first
 * method's sources, metadata.jsonl), policy.json and the report (first method, first seed), metrics.json (every run, the cache tally)
 * and the one-file ONNX classifier (backbone graph + that run's trained head). Image bytes stay in the
 * store until a writer reads them (export/write.ts).
 */

import { BadDatasetError } from '../core/errors.ts';
import { storeGcNudge } from '../ort/gc-nudge.ts';
import type { Collection } from '../storage/schema.ts';
import type { Store } from '../storage/store.ts';
import { type ExportFile, type ExportImage, exportFiles, type ImageExt } from './export/dataset.ts';
import { methodsBlock } from './export/methods.ts';
import { exportClassifier } from './export/onnx-classifier.ts';
import type { RunReport, RunRestart } from './export/report.ts';
import { settingsRows } from './export/settings-block.ts';
import { candidatePng } from './items.ts';
import { IMAGE_PREFIX, type PipelineResult } from './run.ts';
import type { PipelineSettings } from './settings.ts';
import type { PipelineStages } from './stages.ts';
import { profileRuns, type SweepRun } from './sweep.ts';

export const PLUMBING_WARNING =
  'PLUMBING CHECK, NOT A RESULT: this run used random-weight fixture models; its captions, images, policy and accuracies mean nothing.';

export interface RunExports {
  files: ExportFile[];
  metrics: Record<string, unknown>;
  classifier: Uint8Array;
}

const EXT: Record<string, ImageExt> = { jpeg: 'jpg', png: 'png', webp: 'webp' };
const basename = (p: string) => p.slice(p.lastIndexOf('/') + 1);

export async function buildExports(
  r: PipelineResult,
  st: PipelineStages,
  store: Store<Collection>,
  s: PipelineSettings,
  /** Crashes the run survived by restarting (the CLI's supervisor): recorded in the report and metrics. */
  extra: { restarts?: RunRestart[]; sweep?: readonly SweepRun[] } = {},
): Promise<RunExports> {
  (await storeGcNudge()).collect(); // training's garbage goes before the export's reads pile on it
  const images: ExportImage[] = [];
  for (const n of [...r.split.train, ...r.split.valid].sort((a, b) => a - b)) {
    const img = r.imported.images[n];
    const key = `${IMAGE_PREFIX}/${img.hash}`;
    if (!(await store.has('images', key))) continue;
    // read when written, one file at a time: an export never holds every image
    const data = async () => {
      const bytes = await store.data('images', key);
      if (!bytes) throw new BadDatasetError(img.path, 'is missing from the store');
      return bytes;
    };
    const caption = r.captions.get(n);
    images.push({
      id: img.hash,
      class: img.className,
      source: 'real',
      data,
      ext: EXT[img.format],
      name: basename(img.path),
      ...(caption !== undefined && { caption }),
    });
  }
  // The dataset is the first method's: the candidates of its sources. View sources ('simple', …) are
  // not images in the store — their features are — so the report says how to make them again.
  const drawn = new Set(r.runs[0]?.sources ?? []);
  const viewNotes = [...drawn]
    .filter((x) => x !== 'identity' && !r.candidates.some((c) => c.job.source === x))
    .map(
      (x) =>
        `source '${x}': views rendered on the GPU from the real images (view pipeline '${x}', data seed ${s.seed}); only their features are kept, so the dataset holds no '${x}' images`,
    );
  for (const c of r.candidates) {
    if (!drawn.has(c.job.source)) continue;
    const parent = r.imported.images[c.job.n];
    images.push({
      id: c.key.slice(c.key.indexOf('/') + 1),
      class: parent.className,
      source: c.job.source,
      data: () => candidatePng(store, c.key),
      ext: 'png',
      name: `${basename(parent.path).replace(/\.[^.]*$/, '')}-${c.job.source}-${c.job.j}`,
      prompt: c.job.prompt,
      seed: c.job.seed,
      strength: r.generation.strength,
      parent: parent.hash,
    });
  }
  const best = r.runs[0];
  const m = best.metrics;
  const report: RunReport = {
    method: best.method,
    seed: best.seed,
    classes: r.classes,
    sources: best.sources,
    models: { ...st.ids },
    plumbingOnly: st.plumbingOnly,
    metrics: {
      top1: m.top1,
      meanClassAcc: m.meanClassAcc,
      perClass: m.perClass.map((v) => v ?? Number.NaN),
      testCount: m.count,
      confusion: m.confusion,
    },
    trainCounts: r.split.trainCounts,
    policy: best.probs,
    generation: r.generation,
    modelCalls: r.modelCalls,
    generated: r.tally.candidates?.computed ?? 0,
    notes: [...r.notes, ...viewNotes],
    ...(st.modelChecks && { modelChecks: st.modelChecks }),
    ...(extra.restarts?.length && { restarts: extra.restarts }),
    settings: settingsRows(s, r.generation),
    // every method × seed (× profile of a sweep; `r` is its first) and the rank tests across profiles
    ...methodsBlock(profileRuns(extra.sweep ?? [{ profile: s.profile, result: r }]), s.seeds),
  };
  const files = exportFiles({
    images,
    policy: { classes: r.classes, sources: best.sources, probs: best.probs, method: best.method },
    report,
  });
  const g = await st.backboneGraph();
  const classifier = exportClassifier({
    backbone: g.bytes,
    name: g.name,
    output: g.output,
    dim: st.featureDim,
    head: best.head,
    classes: r.classes,
    metadata: { method: best.method, seed: String(best.seed), plumbingOnly: String(st.plumbingOnly) },
  });
  const metrics = {
    ...(st.plumbingOnly ? { warning: PLUMBING_WARNING } : {}),
    plumbingOnly: st.plumbingOnly,
    method: best.method,
    seed: best.seed,
    top1: m.top1,
    meanClassAcc: m.meanClassAcc,
    perClass: m.perClass,
    testCount: m.count,
    confusion: m.confusion,
    /** The held-out images (paths in --data), so anyone can re-evaluate classifier.onnx. */
    testImages: r.split.test.map((n) => r.imported.images[n].path),
    runs: r.runs.map((x) => ({
      method: x.method,
      seed: x.seed,
      top1: x.metrics.top1,
      meanClassAcc: x.metrics.meanClassAcc,
      perClass: x.metrics.perClass,
      probs: x.probs,
    })),
    classes: r.classes,
    trainCounts: r.split.trainCounts,
    split: { train: r.split.train.length, valid: r.split.valid.length, test: r.split.test.length },
    models: st.ids,
    cache: r.tally,
    skipped: r.imported.skipped,
    warnings: [...r.split.warnings, ...r.notes],
    generation: r.generation,
    modelCalls: r.modelCalls,
    generated: r.tally.candidates?.computed ?? 0,
    modelChecks: st.modelChecks ?? null,
    restarts: extra.restarts ?? [],
    settings: s,
  };
  return { files, metrics, classifier };
}
