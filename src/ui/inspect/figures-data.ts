/**
 * The Inspect figures' data (pure; no DOM): Fig. 3 (class frequency vs per-class test accuracy),
 * Fig. 4 (policy per class, classes by frequency) and Fig. 6 (policy per search epoch).
 */
import type { RunRow, RunSummary } from '../../pipeline/app/contract.ts';
import { methodNames } from './methods-data.ts';

/** Class indices, most training images first; equal counts keep the dataset's class order. */
export function classesByFrequency(trainCounts: readonly number[]): number[] {
  return trainCounts.map((_, k) => k).sort((a, b) => trainCounts[b] - trainCounts[a] || a - b);
}

/**
 * A run's source names. The summary lists the first run's; a method with other sources (identity
 * only, w/o local …) has probs of another width, so fall back to neutral names rather than mislabel.
 */
export function runSources(summary: Pick<RunSummary, 'sources'>, run: RunRow): string[] {
  const own = run.sources;
  const width = run.probs[0]?.length ?? run.history[0]?.[0]?.length ?? 0;
  if (Array.isArray(own) && own.length === width) return [...own];
  if (summary.sources.length === width) return [...summary.sources];
  return Array.from({ length: width }, (_, i) => `source ${i + 1}`);
}

/** Every source name of any run, in first-seen order: one colour per source across the figures. */
export function allSources(summary: Pick<RunSummary, 'sources' | 'runs'>): string[] {
  const out = [...summary.sources];
  for (const r of summary.runs) for (const s of runSources(summary, r)) if (!out.includes(s)) out.push(s);
  return out;
}

// ---- Fig. 3 ----------------------------------------------------------------------------------------

export interface FrequencyPoint {
  classIndex: number;
  cls: string;
  /** Training images of the class. */
  count: number;
  method: string;
  /** Mean over the seeds that have a test accuracy for the class. */
  accuracy: number;
  seeds: number;
}

/**
 * One point per class × method: mean test accuracy over seeds. Classes without a test image (null
 * in every seed) or without training images (no place on a log axis) have no point.
 */
export function frequencyAccuracy(summary: Pick<RunSummary, 'classes' | 'trainCounts' | 'runs'>) {
  const points: FrequencyPoint[] = [];
  for (const method of methodNames(summary.runs)) {
    const rows = summary.runs.filter((r) => r.method === method);
    for (const k of classesByFrequency(summary.trainCounts)) {
      const count = summary.trainCounts[k];
      const accs = rows
        .map((r) => r.perClass[k])
        .filter((a): a is number => typeof a === 'number' && Number.isFinite(a));
      if (!accs.length || !(count > 0)) continue;
      points.push({
        classIndex: k,
        cls: summary.classes[k],
        count,
        method,
        accuracy: accs.reduce((a, b) => a + b, 0) / accs.length,
        seeds: accs.length,
      });
    }
  }
  return points;
}

export interface TrendLine {
  method: string;
  slope: number;
  intercept: number;
  /** The fitted line's ends, at the method's smallest and largest class count. */
  ends: { method: string; count: number; accuracy: number }[];
}

/**
 * Least squares of accuracy on log10(count) per method: on the log x axis it is a straight line, so
 * its two ends draw it. Methods whose points have fewer than 2 distinct counts get none.
 */
export function trendLines(points: readonly FrequencyPoint[]): TrendLine[] {
  const out: TrendLine[] = [];
  for (const method of [...new Set(points.map((p) => p.method))]) {
    const ps = points.filter((p) => p.method === method);
    const xs = ps.map((p) => Math.log10(p.count));
    const n = xs.length;
    const mx = xs.reduce((a, b) => a + b, 0) / n;
    const my = ps.reduce((a, p) => a + p.accuracy, 0) / n;
    const sxx = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
    if (!(sxx > 1e-12)) continue;
    const slope = xs.reduce((a, x, i) => a + (x - mx) * (ps[i].accuracy - my), 0) / sxx;
    const intercept = my - slope * mx;
    const lo = Math.min(...ps.map((p) => p.count));
    const hi = Math.max(...ps.map((p) => p.count));
    const at = (c: number) => ({ method, count: c, accuracy: intercept + slope * Math.log10(c) });
    out.push({ method, slope, intercept, ends: [at(lo), at(hi)] });
  }
  return out;
}

/** The log axis's domain: the counts' range, widened so the end points are not on the frame. */
export function logDomain(counts: readonly number[]): [number, number] {
  const pos = counts.filter((c) => c > 0);
  if (!pos.length) return [1, 10];
  const lo = Math.min(...pos);
  const hi = Math.max(...pos);
  return lo === hi ? [lo / 2, hi * 2] : [lo / 1.25, hi * 1.25];
}

// ---- Fig. 4 ----------------------------------------------------------------------------------------

export interface PolicyChoice {
  method: string;
  /** A seed, or 'mean' for the mean policy over the method's seeds. */
  seed: number | 'mean';
  label: string;
  searched: boolean;
}

/**
 * What Fig. 4 can show: per method, the mean over seeds (when several) and each seed. Searched
 * methods come first (their policy is learned; the others' is fixed by definition).
 */
export function policyChoices(runs: readonly RunRow[]): PolicyChoice[] {
  const choices: PolicyChoice[] = [];
  for (const method of methodNames(runs)) {
    const rows = runs.filter((r) => r.method === method && r.probs.length > 0);
    if (!rows.length) continue;
    const searched = rows.some((r) => r.history.length > 0);
    const kind = searched ? 'learned' : 'fixed';
    if (rows.length > 1)
      choices.push({
        method,
        seed: 'mean',
        label: `${method}: mean over ${rows.length} seeds (${kind})`,
        searched,
      });
    for (const r of rows)
      choices.push({ method, seed: r.seed, label: `${method}: seed ${r.seed} (${kind})`, searched });
  }
  return [...choices.filter((c) => c.searched), ...choices.filter((c) => !c.searched)];
}

/** Index of the default choice: the preferred method's first searched choice, else the first. */
export function defaultPolicyChoice(choices: readonly PolicyChoice[], preferred: string): number {
  const i = choices.findIndex((c) => c.method === preferred);
  return Math.max(i, 0);
}

export interface PolicyCell {
  classIndex: number;
  cls: string;
  count: number;
  source: string;
  p: number;
}

/** The runs a choice stands for, and their source names (those of the first). */
function chosenRuns(summary: Pick<RunSummary, 'sources' | 'runs'>, method: string, seed: number | 'mean') {
  const rows = summary.runs.filter(
    (r) => r.method === method && (seed === 'mean' || r.seed === seed) && r.probs.length > 0,
  );
  return { rows, sources: rows.length ? runSources(summary, rows[0]) : [] };
}

/** Element-wise mean of equally shaped [class][source] matrices (a missing cell counts as absent). */
function meanMatrix(ms: readonly number[][][]): number[][] {
  const first = ms[0] ?? [];
  return first.map((row, k) =>
    row.map((_, j) => {
      const vs = ms.map((m) => m[k]?.[j]).filter((v): v is number => Number.isFinite(v));
      return vs.length ? vs.reduce((a, b) => a + b, 0) / vs.length : Number.NaN;
    }),
  );
}

/** Fig. 4's cells: class × source probability, classes most frequent first, sources in run order. */
export function policyCells(
  summary: Pick<RunSummary, 'classes' | 'trainCounts' | 'sources' | 'runs'>,
  choice: Pick<PolicyChoice, 'method' | 'seed'>,
): { sources: string[]; cells: PolicyCell[] } {
  const { rows, sources } = chosenRuns(summary, choice.method, choice.seed);
  if (!rows.length) return { sources, cells: [] };
  const probs = meanMatrix(rows.map((r) => r.probs));
  const cells: PolicyCell[] = [];
  for (const k of classesByFrequency(summary.trainCounts)) {
    if (!probs[k]) continue;
    sources.forEach((source, j) => {
      cells.push({
        classIndex: k,
        cls: summary.classes[k],
        count: summary.trainCounts[k],
        source,
        p: probs[k][j] ?? Number.NaN,
      });
    });
  }
  return { sources, cells };
}

// ---- Fig. 6 ----------------------------------------------------------------------------------------

/** Methods with a search history (any seed), in run order. */
export function historyMethods(runs: readonly RunRow[]): string[] {
  return methodNames(runs).filter((m) => runs.some((r) => r.method === m && r.history.length > 0));
}

/** Seeds of a method that have a search history, ascending. */
export function historySeeds(runs: readonly RunRow[], method: string): number[] {
  return runs
    .filter((r) => r.method === method && r.history.length > 0)
    .map((r) => r.seed)
    .sort((a, b) => a - b);
}

export interface HistoryPoint {
  /** 1-based: the policy after this many search epochs. */
  epoch: number;
  source: string;
  p: number;
  /** Seeds averaged at this epoch. */
  seeds: number;
}

/**
 * Fig. 6's lines for one class: P(source) after each search epoch, for one seed or averaged over
 * the method's seeds (per epoch, over the seeds that reached it).
 */
export function historyLines(
  summary: Pick<RunSummary, 'sources' | 'runs'>,
  method: string,
  classIndex: number,
  seed: number | 'mean',
): { sources: string[]; points: HistoryPoint[] } {
  const rows = summary.runs.filter(
    (r) => r.method === method && r.history.length > 0 && (seed === 'mean' || r.seed === seed),
  );
  if (!rows.length) return { sources: [], points: [] };
  const sources = runSources(summary, rows[0]);
  const epochs = Math.max(...rows.map((r) => r.history.length));
  const points: HistoryPoint[] = [];
  for (let e = 0; e < epochs; e++) {
    sources.forEach((source, j) => {
      const vs = rows
        .map((r) => r.history[e]?.[classIndex]?.[j])
        .filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
      if (vs.length)
        points.push({ epoch: e + 1, source, p: vs.reduce((a, b) => a + b, 0) / vs.length, seeds: vs.length });
    });
  }
  return { sources, points };
}

/** A long class name cut for an axis tick (the tables and tooltips keep it whole). */
export function shorten(s: string, max = 22): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** Fig. 6 as the paper draws it: every class's line, per source (one panel per source). */
export function historyAllClasses(
  summary: Pick<RunSummary, 'classes' | 'sources' | 'runs'>,
  method: string,
  seed: number | 'mean',
): { sources: string[]; points: (HistoryPoint & { cls: string; classIndex: number })[] } {
  let sources: string[] = [];
  const points: (HistoryPoint & { cls: string; classIndex: number })[] = [];
  summary.classes.forEach((cls, k) => {
    const one = historyLines(summary, method, k, seed);
    sources = one.sources;
    for (const p of one.points) points.push({ ...p, cls, classIndex: k });
  });
  return { sources, points };
}
