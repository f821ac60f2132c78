/**
 * Comparing methods over several settings (ALGORITHM §11, paper App. B), as Demšar (2006, JMLR 7:1–30):
 * rank the methods in each setting (1 = best, ties share the average rank), Friedman's test on the average
 * ranks (χ²_F and the Iman–Davenport F_F that Demšar recommends), then Holm's step-down procedure for a
 * control method against each other method with z = (R_i − R_control) / √(k(k+1)/(6N)).
 * Also mean ± sample standard deviation over seeds.
 */
import { ConfigError } from './errors.ts';
import { chi2Sf, fSf, normalTwoSided } from './stats-dist.ts';

/** Ranks of one setting's scores: 1 = best; tied scores share the mean of the ranks they span. */
export function rankRow(scores: readonly number[], higherIsBetter = true): number[] {
  if (scores.some((s) => !Number.isFinite(s)))
    throw new ConfigError(`cannot rank non-finite scores [${scores.join(', ')}]`);
  const order = scores
    .map((_, i) => i)
    .sort((a, b) => (higherIsBetter ? scores[b] - scores[a] : scores[a] - scores[b]));
  const ranks = new Array<number>(scores.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && scores[order[j + 1]] === scores[order[i]]) j++;
    const shared = (i + j + 2) / 2; // mean of the 1-based ranks i+1 … j+1
    for (let t = i; t <= j; t++) ranks[order[t]] = shared;
    i = j + 1;
  }
  return ranks;
}

function checkTable(table: readonly (readonly number[])[]): { N: number; k: number } {
  const N = table.length;
  const k = N ? table[0].length : 0;
  if (N < 1 || k < 2) throw new ConfigError(`need at least 1 setting and 2 methods, got ${N} × ${k}`);
  table.forEach((row, i) => {
    if (row.length !== k) throw new ConfigError(`setting ${i} has ${row.length} scores, expected ${k}`);
  });
  return { N, k };
}

/** Per-setting ranks of a [settings][methods] score table. */
export function rankTable(table: readonly (readonly number[])[], higherIsBetter = true): number[][] {
  checkTable(table);
  return table.map((row) => rankRow(row, higherIsBetter));
}

/** Mean rank of each method (column) over the settings (rows) of a rank table. */
export function averageRanks(ranks: readonly (readonly number[])[]): number[] {
  const { N, k } = checkTable(ranks);
  return Array.from({ length: k }, (_, j) => ranks.reduce((s, row) => s + row[j], 0) / N);
}

export interface FriedmanResult {
  N: number;
  k: number;
  avgRanks: number[];
  /** χ²_F = 12N/(k(k+1)) [Σ R_j² − k(k+1)²/4], χ² with k − 1 degrees of freedom. */
  chi2: number;
  pChi2: number;
  /** Iman–Davenport F_F = (N−1)χ²_F / (N(k−1) − χ²_F), F with (k−1, (k−1)(N−1)) degrees of freedom. */
  ff: number;
  df1: number;
  df2: number;
  pF: number;
}

/** Friedman's test from average ranks over N settings (no tie correction, as Demšar). */
export function friedmanFromRanks(avgRanks: readonly number[], N: number): FriedmanResult {
  const k = avgRanks.length;
  if (k < 2 || !(N >= 1)) throw new ConfigError(`Friedman test needs k >= 2 methods and N >= 1 settings`);
  const sumSq = avgRanks.reduce((s, r) => s + r * r, 0);
  const chi2 = Math.max(0, ((12 * N) / (k * (k + 1))) * (sumSq - (k * (k + 1) ** 2) / 4));
  const df1 = k - 1;
  const df2 = (k - 1) * (N - 1);
  const denom = N * (k - 1) - chi2;
  // χ² reaches N(k−1) when every setting ranks the methods identically: F_F is then infinite.
  const ff = denom > 1e-12 ? ((N - 1) * chi2) / denom : Number.POSITIVE_INFINITY;
  const pF = df2 === 0 ? Number.NaN : Number.isFinite(ff) ? fSf(ff, df1, df2) : 0;
  return { N, k, avgRanks: [...avgRanks], chi2, pChi2: chi2Sf(chi2, df1), ff, df1, df2, pF };
}

/** Friedman's test on a [settings][methods] score table. */
export function friedman(table: readonly (readonly number[])[], higherIsBetter = true): FriedmanResult {
  return friedmanFromRanks(averageRanks(rankTable(table, higherIsBetter)), table.length);
}

export interface HolmRow {
  /** Column index of the method compared with the control. */
  method: number;
  /** (R_method − R_control) / SE: positive when the control ranks better (lower). */
  z: number;
  /** Two-sided p-value of z. */
  p: number;
  /** The threshold α / (m − i + 1) of this row's place i in ascending p order (m comparisons). */
  alphaAdj: number;
  /** Holm-adjusted p-value: max over earlier rows of min(1, (m − i + 1) p). */
  pAdj: number;
  reject: boolean;
}

export interface HolmResult {
  control: number;
  se: number;
  alpha: number;
  /** One row per other method, in ascending p order (Holm's order). */
  rows: HolmRow[];
}

/** Holm's step-down test of a control against every other method, from average ranks over N settings. */
export function holmVsControl(
  avgRanks: readonly number[],
  N: number,
  control: number,
  alpha = 0.05,
): HolmResult {
  const k = avgRanks.length;
  if (!(control >= 0 && control < k && Number.isInteger(control)))
    throw new ConfigError(`control must be a method index in 0..${k - 1}, got ${control}`);
  const se = Math.sqrt((k * (k + 1)) / (6 * N));
  const raw = avgRanks
    .map((r, method) => ({ method, z: (r - avgRanks[control]) / se }))
    .filter((x) => x.method !== control)
    .map((x) => ({ ...x, p: normalTwoSided(x.z) }))
    .sort((a, b) => a.p - b.p || a.method - b.method);
  const steps = holmStepDown(
    raw.map((x) => x.p),
    alpha,
  );
  const rows = raw.map((x, i) => ({ ...x, ...steps[i] }));
  return { control, se, alpha, rows };
}

export interface HolmStep {
  alphaAdj: number;
  pAdj: number;
  reject: boolean;
}

/**
 * Holm's step-down procedure on p-values already in ascending order: row i (0-based) of m is compared with
 * α / (m − i); the first retained hypothesis retains all later ones.
 */
export function holmStepDown(sortedP: readonly number[], alpha = 0.05): HolmStep[] {
  const m = sortedP.length;
  let rejecting = true;
  let pAdj = 0;
  return sortedP.map((p, i) => {
    if (i > 0 && p < sortedP[i - 1])
      throw new ConfigError('holmStepDown: p-values must be in ascending order');
    const alphaAdj = alpha / (m - i);
    rejecting = rejecting && p < alphaAdj;
    pAdj = Math.max(pAdj, Math.min(1, (m - i) * p));
    return { alphaAdj, pAdj, reject: rejecting };
  });
}

export interface MeanStd {
  mean: number;
  /** Sample standard deviation (n − 1); 0 for a single value. */
  std: number;
  n: number;
}

export function meanStd(values: readonly number[]): MeanStd {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, std: Number.NaN, n };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const ss = values.reduce((a, b) => a + (b - mean) ** 2, 0);
  return { mean, std: n > 1 ? Math.sqrt(ss / (n - 1)) : 0, n };
}
