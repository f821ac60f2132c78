/**
 * The feature bank: φ for every sample × source × candidate, labels and the train/valid/test split
 * (ALGORITHM.md §6–9). On disk it is a directory (see bank-io.ts): features.npy float32 [N,S,K,D],
 * labels.npy int32 [N], split.json {train,valid,test} and bank.json {classes,sources,candidates,dim}.
 * In memory a bank may instead be unique rows plus an index [N][S][K] → row (a run's bank: a test image
 * or the identity source points K·S times at one row, and a method's sources are an index, not a copy).
 * Validation never copies the features; the NaN/Inf scan is one pass over them.
 */
import { describeClass } from '../core/classes.ts';
import { BadDatasetError } from '../core/errors.ts';
import type { NpyArray } from '../core/npy.ts';

export interface BankSplit {
  train: number[];
  valid: number[];
  /** Evaluated on source 0, candidate 0. */
  test: number[];
}

/** Everything of a bank but its feature values. */
export interface BankMeta {
  classes: string[];
  sources: string[];
  N: number;
  S: number;
  K: number;
  D: number;
  labels: Int32Array;
  split: BankSplit;
  /** [N][S][K] → feature row; absent: dense, row (n·S + s)·K + k. */
  index?: Uint32Array;
}

export interface FeatureBank extends BankMeta {
  /** Feature rows [rows][D], row-major: [N][S][K][D] when dense; see featureOffset. */
  features: Float32Array;
}

/** What a bank directory holds, after the .npy files are parsed and the JSON files are JSON.parse'd. */
export interface BankParts {
  bankJson: unknown;
  features: NpyArray;
  labels: NpyArray;
  splitJson: unknown;
}

/** File names used in error messages (a directory reader passes full paths). */
export interface BankFileNames {
  bank: string;
  features: string;
  labels: string;
  split: string;
}

export const BANK_FILES: BankFileNames = {
  bank: 'bank.json',
  features: 'features.npy',
  labels: 'labels.npy',
  split: 'split.json',
};

/** Feature row of (sample n, source s, candidate k): through the index, else dense. */
export function rowOf(bank: Pick<BankMeta, 'S' | 'K' | 'index'>, n: number, s: number, k: number): number {
  const slot = (n * bank.S + s) * bank.K + k;
  return bank.index ? bank.index[slot] : slot;
}

/** Index of the first float of (sample n, source s, candidate k) in bank.features. */
export function featureOffset(
  bank: Pick<BankMeta, 'S' | 'K' | 'D' | 'index'>,
  n: number,
  s: number,
  k: number,
): number {
  return rowOf(bank, n, s, k) * bank.D;
}

/** The index of a bank, dense banks included (a new identity table for those). */
export function bankIndex(bank: Pick<BankMeta, 'N' | 'S' | 'K' | 'index'>): Uint32Array {
  return bank.index ?? Uint32Array.from({ length: bank.N * bank.S * bank.K }, (_, i) => i);
}

/** The features as dense [N][S][K][D] (the .npy layout): the array itself when the bank has no index. */
export function denseFeatures(bank: FeatureBank): Float32Array {
  if (!bank.index) return bank.features;
  const { D } = bank;
  const out = new Float32Array(bank.index.length * D);
  bank.index.forEach((row, slot) => {
    out.set(bank.features.subarray(row * D, (row + 1) * D), slot * D);
  });
  return out;
}

const isObj = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);
const posInt = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x > 0;

function stringList(x: unknown, key: string, file: string): string[] {
  if (!Array.isArray(x) || x.length === 0 || x.some((v) => typeof v !== 'string' || v === '')) {
    throw new BadDatasetError(file, `'${key}' must be a non-empty list of non-empty names`);
  }
  const seen = new Set<string>();
  for (const v of x as string[]) {
    if (seen.has(v)) throw new BadDatasetError(file, `'${key}' lists '${v}' twice`);
    seen.add(v);
  }
  return [...(x as string[])];
}

/**
 * Turn parsed bank files into a FeatureBank and check it (see checkBank). Returns the bank (features
 * and labels are views on the parsed arrays, not copies) and warnings for the user.
 */
export function validateBank(
  parts: BankParts,
  names: Partial<BankFileNames> = {},
): { bank: FeatureBank; warnings: string[] } {
  const nm = { ...BANK_FILES, ...names };
  const meta = parts.bankJson;
  if (!isObj(meta))
    throw new BadDatasetError(nm.bank, 'must be a JSON object {"classes","sources","candidates","dim"}');
  const classes = stringList(meta.classes, 'classes', nm.bank);
  const sources = stringList(meta.sources, 'sources', nm.bank);
  if (!posInt(meta.candidates))
    throw new BadDatasetError(nm.bank, `'candidates' must be a positive integer (K)`);
  if (!posInt(meta.dim)) throw new BadDatasetError(nm.bank, `'dim' must be a positive integer (D)`);
  const S = sources.length;
  const K = meta.candidates;
  const D = meta.dim;

  const f = parts.features;
  if (f.dtype !== 'float32')
    throw new BadDatasetError(nm.features, `dtype must be float32 ('<f4'), got '${f.descr}'`);
  const want = `[N, ${S}, ${K}, ${D}] (N samples, ${S} sources, ${K} candidates, ${D} dims, from ${nm.bank})`;
  if (f.shape.length !== 4) {
    throw new BadDatasetError(
      nm.features,
      `shape is (${f.shape.join(', ')}), rank ${f.shape.length}; expected ${want}`,
    );
  }
  if (f.shape[1] !== S || f.shape[2] !== K || f.shape[3] !== D) {
    throw new BadDatasetError(nm.features, `shape is (${f.shape.join(', ')}); expected ${want}`);
  }
  const N = f.shape[0];

  const l = parts.labels;
  if (l.dtype !== 'int32' && l.dtype !== 'uint8') {
    throw new BadDatasetError(nm.labels, `dtype must be an integer type ('<i4'), got '${l.descr}'`);
  }
  if (l.shape.length !== 1 || l.shape[0] !== N) {
    throw new BadDatasetError(
      nm.labels,
      `shape is (${l.shape.join(', ')}); expected (${N},), one label per sample of ${nm.features}`,
    );
  }
  const labels = l.data instanceof Int32Array ? l.data : Int32Array.from(l.data);

  const sj = parts.splitJson;
  if (!isObj(sj))
    throw new BadDatasetError(nm.split, 'must be a JSON object {"train":[…],"valid":[…],"test":[…]}');
  const split = {} as BankSplit;
  for (const key of ['train', 'valid', 'test'] as const) {
    const v = sj[key];
    if (!Array.isArray(v)) throw new BadDatasetError(nm.split, `'${key}' must be a list of sample indices`);
    split[key] = v as number[];
  }
  const bank: FeatureBank = { classes, sources, N, S, K, D, features: f.data as Float32Array, labels, split };
  return { bank, warnings: checkBank(bank, nm) };
}

/**
 * Check a bank's contents: labels in range, split indices valid/unique/disjoint, every class present in
 * train and valid (the search needs both), all features finite. Throws BadDatasetError naming the file;
 * returns warnings (e.g. a class absent from test).
 */
export function checkBank(bank: FeatureBank, names: Partial<BankFileNames> = {}): string[] {
  const nm = { ...BANK_FILES, ...names };
  const { N, S, K, D, classes, labels, split, features } = bank;
  const C = classes.length;
  if (bank.index) checkIndex(bank, nm.features);
  else if (features.length !== N * S * K * D) {
    throw new BadDatasetError(
      nm.features,
      `${features.length} values but [N,S,K,D] = [${N},${S},${K},${D}] needs ${N * S * K * D}`,
    );
  }
  if (labels.length !== N) throw new BadDatasetError(nm.labels, `${labels.length} labels for ${N} samples`);
  for (let i = 0; i < N; i++) {
    const y = labels[i];
    if (y < 0 || y >= C) {
      throw new BadDatasetError(
        nm.labels,
        `label ${y} of sample ${i} is out of range 0..${C - 1} (${nm.bank} lists ${C} classes)`,
      );
    }
  }
  const owner = new Int8Array(N).fill(-1);
  const keys = ['train', 'valid', 'test'] as const;
  keys.forEach((key, si) => {
    const list = split[key];
    for (let j = 0; j < list.length; j++) {
      const i = list[j];
      if (typeof i !== 'number' || !Number.isInteger(i) || i < 0 || i >= N) {
        throw new BadDatasetError(
          nm.split,
          `${key}[${j}] = ${JSON.stringify(i)} is not a sample index in 0..${N - 1}`,
        );
      }
      if (owner[i] === si) throw new BadDatasetError(nm.split, `sample ${i} is listed twice in '${key}'`);
      if (owner[i] >= 0)
        throw new BadDatasetError(nm.split, `sample ${i} is in both '${keys[owner[i]]}' and '${key}'`);
      owner[i] = si;
    }
  });
  const warnings: string[] = [];
  const counts = countsPerSplit(bank);
  for (const key of ['train', 'valid'] as const) {
    const k = counts[key].indexOf(0);
    if (k >= 0) {
      throw new BadDatasetError(
        nm.split,
        `${describeClass(k, classes)} has no samples in '${key}'; the search needs every class in both train and valid`,
      );
    }
  }
  if (split.test.length === 0) warnings.push(`${nm.split}: 'test' is empty, so nothing can be evaluated.`);
  else {
    counts.test.forEach((n, k) => {
      if (n === 0)
        warnings.push(
          `${nm.split}: ${describeClass(k, classes)} has no test samples; its accuracy is undefined.`,
        );
    });
  }
  const bad = firstNonFinite(features);
  if (bad >= 0 && bank.index) {
    const row = Math.floor(bad / D);
    throw new BadDatasetError(
      nm.features,
      `${features[bad]} in feature row ${row}, dim ${bad % D} (flat index ${bad}); features must be finite`,
    );
  }
  if (bad >= 0) {
    const v = features[bad];
    const d = bad % D;
    const k = Math.floor(bad / D) % K;
    const s = Math.floor(bad / (D * K)) % S;
    const n = Math.floor(bad / (D * K * S));
    throw new BadDatasetError(
      nm.features,
      `${Number.isNaN(v) ? 'NaN' : v} at sample ${n}, source ${s} ('${bank.sources[s]}'), candidate ${k}, dim ${d} (flat index ${bad}); features must be finite`,
    );
  }
  return warnings;
}

/** An indexed bank: one row per slot of [N][S][K], each row present in the features. */
function checkIndex(bank: FeatureBank, file: string): void {
  const { N, S, K, D, index, features } = bank;
  const rows = features.length / D;
  if (!index || index.length !== N * S * K || !Number.isInteger(rows)) {
    throw new BadDatasetError(
      file,
      `an index of ${index?.length} slots over ${features.length} values does not fit [N,S,K,D] = [${N},${S},${K},${D}]`,
    );
  }
  const bad = index.findIndex((r) => r >= rows);
  if (bad >= 0) throw new BadDatasetError(file, `index slot ${bad} points at row ${index[bad]} of ${rows}`);
}

/** Flat index of the first NaN/±Inf, or -1. x - x is 0 for every finite x and NaN otherwise. */
export function firstNonFinite(a: Float32Array): number {
  const n = a.length;
  for (let i = 0; i < n; i++) {
    const v = a[i];
    if (v - v !== 0) return i;
  }
  return -1;
}

function countsPerSplit(bank: FeatureBank): Record<keyof BankSplit, number[]> {
  const C = bank.classes.length;
  const count = (list: number[]) => {
    const c = new Array<number>(C).fill(0);
    for (const i of list) c[bank.labels[i]]++;
    return c;
  };
  return { train: count(bank.split.train), valid: count(bank.split.valid), test: count(bank.split.test) };
}

export interface BankSummary {
  N: number;
  S: number;
  K: number;
  D: number;
  classes: string[];
  sources: string[];
  /** Samples per class, per split. */
  counts: Record<keyof BankSplit, number[]>;
  /** Samples in no split. */
  unused: number;
  featureBytes: number;
}

/** Per-class counts per split and the bank's sizes (for logs, the CLI and reports). */
export function bankSummary(bank: FeatureBank): BankSummary {
  const { N, S, K, D, classes, sources, split } = bank;
  const unused = N - split.train.length - split.valid.length - split.test.length;
  return {
    N,
    S,
    K,
    D,
    classes,
    sources,
    counts: countsPerSplit(bank),
    unused,
    featureBytes: bank.features.byteLength,
  };
}
