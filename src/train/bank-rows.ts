/**
 * Where a bank's feature rows come from when training reads them: the bank's own array (a bank directory,
 * the experiment's banks) or a source read on demand (a run's bank: its rows stay in the store and go
 * to the GPU a slice at a time, so the run never holds N·S·K·D floats in JavaScript).
 */
import type { BankMeta, FeatureBank } from './bank.ts';

export interface RowSource {
  /** Rows in the source (row ids are 0..count-1). */
  readonly count: number;
  /** The given rows, [rows.length][D] (a gather: any order, repeats allowed). */
  read(rows: readonly number[] | Uint32Array): Promise<Float32Array>;
}

/** A bank whose rows are read on demand through its index. */
export interface StreamedBank extends BankMeta {
  index: Uint32Array;
  rows: RowSource;
}

/** What training accepts. */
export type TrainBank = FeatureBank | StreamedBank;

export const isStreamed = (bank: TrainBank): bank is StreamedBank => 'rows' in bank;

/** Copy rows out of an in-memory [rows][D] array. */
export function gatherRows(features: Float32Array, D: number, rows: readonly number[] | Uint32Array) {
  const out = new Float32Array(rows.length * D);
  rows.forEach((r, i) => {
    out.set(features.subarray(r * D, (r + 1) * D), i * D);
  });
  return out;
}

/** The rows of any bank as a RowSource. */
export function rowSource(bank: TrainBank): RowSource {
  if (isStreamed(bank)) return bank.rows;
  const { features, D } = bank;
  return { count: features.length / D, read: async (rows) => gatherRows(features, D, rows) };
}
