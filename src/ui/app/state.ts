/**
 * The app's shared state, as Preact signals: which dataset, which models, which settings, and the run
 * (phase, progress, result). Sections read and set these; nothing else is shared between them.
 * The run outlives section switches: it lives here, not in a component.
 */
import { signal } from '@preact/signals';
import type { DownloadProgress } from '../../core/progress.ts';
import type {
  ImportReportView,
  ModelsInput,
  RunSettings,
  RunSummary,
  StoredDataset,
} from '../../pipeline/app/contract.ts';
import { FIXTURES_LABEL } from '../models-label.ts';
import type { RunProgress } from '../run/progress-state.ts';
import { DEFAULT_SETTINGS } from './settings-defaults.ts';

/** The dataset the next run uses (the demo's, or one the user imported). */
export const dataset = signal<StoredDataset | undefined>(undefined);
/** Every dataset imported into this browser, newest first. */
export const datasets = signal<StoredDataset[]>([]);
/** The report of the latest import, shown until the next one. */
export const importReport = signal<ImportReportView | undefined>(undefined);

/** The models the next run uses; fixtures until the user chooses real ones. */
export const models = signal<ModelsInput>({ kind: 'fixtures' });
/** A short description of `models` for the run screen ("fixture models (plumbing check)"). */
export const modelsLabel = signal<string>(FIXTURES_LABEL);

export const settings = signal<RunSettings>(DEFAULT_SETTINGS);

export type RunPhase =
  | { kind: 'idle' }
  | { kind: 'running'; datasetName: string }
  | { kind: 'done' }
  | { kind: 'cancelled' }
  | { kind: 'failed'; message: string };

export const runPhase = signal<RunPhase>({ kind: 'idle' });
export const runProgress = signal<RunProgress>({});
/** A model file a run is fetching again (it left the cache), while it downloads. */
export const runDownload = signal<DownloadProgress | undefined>(undefined);
/** One line per automatic restart of the current run (its worker died), for the progress area. */
export const runRestarts = signal<string[]>([]);
/** The latest finished run (kept when a new run starts, until that one finishes). */
export const runResult = signal<RunSummary | undefined>(undefined);
