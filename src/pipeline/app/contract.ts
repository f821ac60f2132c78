/**
 * What the page and the app's workers exchange. Plain, structured-cloneable data only (File objects
 * included: they cross postMessage without copying the bytes), so every type here can go through
 * Comlink as is. The page never touches a model, a store record or a pixel buffer itself.
 */
import type { Task } from '../../models/manifest.ts';
import type { TrainConfig } from '../../train/config.ts';
import type { PipelineSettings } from '../settings.ts';
import type { Tally } from '../tally.ts';

/** The IndexedDB database the app keeps datasets and every cached pipeline item in. */
export const APP_STORE = 'autogenda';

/** A file the user picked or dropped; `path` is relative to the dataset root ('class/file.jpg'). */
export interface PickedFile {
  path: string;
  file: File;
}

export type DatasetInput =
  /** The bundled demo dataset (a Fashion-MNIST subset served with the app), at `url` (demoUrl). */
  | { kind: 'demo'; url: string }
  /** A folder of class sub-folders (drag-and-drop or <input webkitdirectory>); may hold a captions file. */
  | { kind: 'files'; name: string; files: PickedFile[]; emptyFolders?: string[] }
  /** A zip of class folders. */
  | { kind: 'zip'; name: string; file: File };

/** A dataset imported into the app's store: it survives reloads, runs read it from there. */
export interface StoredDataset {
  id: string;
  name: string;
  importedAt: string;
  /** Sorted by name. */
  classes: { name: string; count: number }[];
  images: number;
  demo: boolean;
}

/** The import report as the page shows it (no pixels). */
export interface ImportReportView {
  source: string;
  classes: { name: string; folders: string[]; count: number }[];
  skipped: { path: string; reason: string }[];
  emptyClasses: string[];
  smallClasses: string[];
  /** Images that came with a caption from a captions file. */
  captioned: number;
}

/** An import either stored a dataset, or was refused (fewer than 2 usable classes) with its report. */
export type ImportOutcome =
  | { dataset: StoredDataset; report: ImportReportView; refused?: undefined }
  | { dataset?: undefined; report: ImportReportView; refused: string };

export type ModelsInput =
  /** Tiny random-weight graphs built in the browser: plumbing checks only. */
  | { kind: 'fixtures' }
  /** Downloaded models from the browser's model cache (OPFS), one manifest id per task. */
  | { kind: 'cache'; ids: Record<Task, string>; mirror?: string }
  /** A local folder holding models.json (or fixtures.json) and the model sub-folders. */
  | { kind: 'local'; name: string; files: PickedFile[] };

/**
 * The run settings form's values: PipelineSettings with one profile (`profiles` optional: settings saved
 * before sweeps existed have none) and the training block's declared settings.
 */
export type RunSettings = Omit<PipelineSettings, 'train' | 'profiles'> & {
  profiles?: string[];
  train: Pick<TrainConfig, 'epochs' | 'finalEpochs'> & Partial<TrainConfig>;
};

export interface RunRequest {
  datasetId: string;
  models: ModelsInput;
  settings: RunSettings;
  /** Textual-inversion embedding files (one token per class) for the img2img text encoder. */
  ti?: PickedFile[];
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
  /** Over the gallery's byte budget: captions and prompts only, no image bytes (they are in the export). */
  imagesOmitted?: boolean;
}

/** One method × seed of a finished run. */
export interface RunRow {
  method: string;
  seed: number;
  top1: number;
  meanClassAcc: number;
  /** Test accuracy per class; null for a class with no test image. */
  perClass: (number | null)[];
  /** This run's sources (a method may use fewer than the bank has). */
  sources: string[];
  /** The learned (or fixed) policy, probs[class][source]. */
  probs: number[][];
  /** Search only: the policy after each search epoch, history[epoch][class][source]. */
  history: number[][][];
  /** The profile this run used (a sweep runs several); absent: the settings' profile. */
  profile?: string;
  /** Training images per class in that profile; absent: the summary's trainCounts. */
  trainCounts?: number[];
}

export interface RunSummary {
  plumbingOnly: boolean;
  warning?: string;
  dataset: { id: string; name: string };
  settings: RunSettings;
  classes: string[];
  /** Training images per class (train ∪ valid): the class frequency of Fig. 3. */
  trainCounts: number[];
  sources: string[];
  /** Every method × seed of every profile; the figures show the first profile's (the exported run). */
  runs: RunRow[];
  /** The profiles swept, first = the exported run's (absent: the settings' one profile). */
  profiles?: string[];
  testCount: number;
  models: Record<string, string>;
  /** Per stage: items computed by this run vs found in the store (a resumed run reuses most). */
  tally: Tally;
  /** The img2img settings used (the form's, else the model's) and what the run corrected. */
  generation?: { steps: number; guidance: number; strength: number };
  notes?: string[];
  /** Model calls of this run, "<task>.<session>" → {calls, samples}. */
  modelCalls?: Record<string, { calls: number; samples: number }>;
  gallery: GalleryClass[];
  /**
   * Every export, by file name (classifier.onnx, policy.json, metrics.json, report.md, dataset zip …), as
   * Blobs: they cross postMessage by reference, and the zip's is a file on disk (export-zip.ts).
   */
  exports: ExportDownload[];
}

export interface ExportDownload {
  name: string;
  type: string;
  blob: Blob;
}
