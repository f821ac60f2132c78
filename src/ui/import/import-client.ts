/**
 * The Import screen's calls to the pipeline worker (one worker per call, see pipeline-client.ts) and
 * what they change in the shared state: the dataset list, the selected dataset, the latest report.
 */
import * as Comlink from 'comlink';
import type { StageProgress } from '../../core/progress.ts';
import type { DatasetInput, ImportOutcome, StoredDataset } from '../../pipeline/app/contract.ts';
import { pipelineTask, type Task } from '../app/pipeline-client.ts';
import { dataset, datasets, importReport } from '../app/state.ts';
import { importPhase } from './import-state.ts';

let current: Task<ImportOutcome> | undefined;

/** The short name shown while importing and in errors. */
export function inputLabel(input: DatasetInput): string {
  return input.kind === 'demo' ? 'the Fashion-MNIST demo' : input.name;
}

/** Keeps the selection pointing at a dataset that still exists. */
function setDatasets(list: StoredDataset[]): void {
  datasets.value = list;
  const selected = dataset.value;
  if (selected && !list.some((d) => d.id === selected.id)) dataset.value = undefined;
}

export async function refreshDatasets(): Promise<void> {
  setDatasets(await pipelineTask((api) => api.listDatasets()).result);
}

/**
 * Imports `input` in a worker; resolves when it settles (never rejects: the outcome is in
 * importPhase). A success selects the new dataset for the next run.
 */
export function startImport(input: DatasetInput): Promise<void> {
  current?.cancel();
  const label = inputLabel(input);
  importPhase.value = { kind: 'importing', label, done: 0, total: 0 };
  const onProgress = (p: StageProgress) => {
    if (p.stage !== 'import' || importPhase.value.kind !== 'importing') return;
    importPhase.value = { ...importPhase.value, done: p.done, total: p.total };
  };
  const task = pipelineTask<ImportOutcome>((api) => api.importDataset(input, Comlink.proxy(onProgress)));
  current = task;
  return task.result.then(
    async (out) => {
      if (current !== task) return;
      current = undefined;
      importReport.value = out.report;
      if (!out.dataset) {
        importPhase.value = { kind: 'failed', label, message: out.refused, errorName: 'BadDatasetError' };
        return;
      }
      dataset.value = out.dataset;
      // Listed at once (newest first; re-importing the same images replaces the entry), then re-read.
      datasets.value = [out.dataset, ...datasets.value.filter((d) => d.id !== out.dataset.id)];
      importPhase.value = { kind: 'done', dataset: out.dataset };
      await refreshDatasets().catch(() => {}); // the import succeeded; a stale list is not an error
    },
    (e: Error) => {
      if (current !== task) return;
      current = undefined;
      importPhase.value =
        e.name === 'CancelledError'
          ? { kind: 'cancelled', label }
          : { kind: 'failed', label, message: e.message, errorName: e.name };
    },
  );
}

export function cancelImport(): void {
  current?.cancel();
}

export async function removeDataset(id: string): Promise<void> {
  await pipelineTask((api) => api.deleteDataset(id)).result;
  if (dataset.value?.id === id) dataset.value = undefined;
  await refreshDatasets();
}
