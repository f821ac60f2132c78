/**
 * The methods table's numbers (pure; no DOM): mean ± std over seeds per method, and the rank-based
 * comparison of ALGORITHM §11 with the seeds of one run as the blocks (Demšar 2006 via core/stats.ts).
 */

import {
  averageRanks,
  type FriedmanResult,
  friedmanFromRanks,
  type HolmResult,
  holmVsControl,
  type MeanStd,
  meanStd,
  rankTable,
} from '../../core/stats.ts';
import type { RunRow } from '../../pipeline/app/contract.ts';

/** The control of the post-hoc test when the run has it (the paper's method). */
export const PREFERRED_CONTROL = 'autogenda';

export type Metric = 'top1' | 'meanClassAcc';

export const METRIC_LABEL: Record<Metric, string> = {
  top1: 'top-1 accuracy',
  meanClassAcc: 'mean per-class accuracy',
};

/** Method names in order of first appearance (the order the run settings listed them). */
export function methodNames(runs: readonly RunRow[]): string[] {
  const names: string[] = [];
  for (const r of runs) if (!names.includes(r.method)) names.push(r.method);
  return names;
}

export interface MethodSummary {
  method: string;
  /** Seeds of this method's runs, ascending. */
  seeds: number[];
  top1: MeanStd;
  meanClassAcc: MeanStd;
}

/** Per method: mean ± sample std over its seeds (non-finite scores left out of both). */
export function summariseMethods(runs: readonly RunRow[]): MethodSummary[] {
  return methodNames(runs).map((method) => {
    const rows = runs.filter((r) => r.method === method);
    const finite = (xs: number[]) => xs.filter(Number.isFinite);
    return {
      method,
      seeds: [...new Set(rows.map((r) => r.seed))].sort((a, b) => a - b),
      top1: meanStd(finite(rows.map((r) => r.top1))),
      meanClassAcc: meanStd(finite(rows.map((r) => r.meanClassAcc))),
    };
  });
}

export type Comparison =
  | { kind: 'none'; reason: string }
  | {
      kind: 'test';
      metric: Metric;
      methods: string[];
      /** The blocks: seeds every method ran with a finite score. */
      seeds: number[];
      /** Seeds left out because some method lacks them (or has no finite score there). */
      dropped: number[];
      /** [seed][method] scores, the ranked table. */
      table: number[][];
      avgRanks: number[];
      friedman: FriedmanResult;
      /** Index into `methods`. */
      control: number;
      holm: HolmResult;
    };

/**
 * Ranks per seed, Friedman (+ Iman–Davenport) and Holm against the control. Needs ≥ 2 methods and
 * ≥ 2 seeds that every method ran; otherwise says why there is no test.
 */
export function compareMethods(
  runs: readonly RunRow[],
  metric: Metric,
  preferredControl = PREFERRED_CONTROL,
  alpha = 0.05,
): Comparison {
  const methods = methodNames(runs);
  if (methods.length < 2)
    return {
      kind: 'none',
      reason:
        methods.length === 0
          ? 'No method was run.'
          : `Only one method (${methods[0]}) was run: there is nothing to compare it with.`,
    };
  // First row per (method, seed) wins; a run lists each pair once.
  const score = new Map<string, number>();
  for (const r of runs) {
    const key = `${r.seed}\u0000${r.method}`;
    if (!score.has(key)) score.set(key, r[metric]);
  }
  const allSeeds = [...new Set(runs.map((r) => r.seed))].sort((a, b) => a - b);
  const complete = (s: number) => methods.every((m) => Number.isFinite(score.get(`${s}\u0000${m}`)));
  const seeds = allSeeds.filter(complete);
  const dropped = allSeeds.filter((s) => !complete(s));
  if (seeds.length < 2)
    return {
      kind: 'none',
      reason:
        `Ranking needs every method run on at least 2 of the same seeds (the blocks of the test); ` +
        `this run has ${seeds.length === 1 ? '1 such seed' : 'none'}` +
        (dropped.length
          ? ` (${seedList(dropped)} ${dropped.length === 1 ? 'misses' : 'miss'} some method)`
          : '') +
        '. Run with more seeds to get a test.',
    };
  const table = seeds.map((s) => methods.map((m) => score.get(`${s}\u0000${m}`) as number));
  const avgRanks = averageRanks(rankTable(table));
  const control = Math.max(0, methods.indexOf(preferredControl));
  return {
    kind: 'test',
    metric,
    methods,
    seeds,
    dropped,
    table,
    avgRanks,
    friedman: friedmanFromRanks(avgRanks, seeds.length),
    control,
    holm: holmVsControl(avgRanks, seeds.length, control, alpha),
  };
}

/** "seed 3" / "seeds 1, 2". */
export function seedList(seeds: readonly number[]): string {
  return `${seeds.length === 1 ? 'seed' : 'seeds'} ${seeds.join(', ')}`;
}

/** p-values as the paper prints them: 3 significant digits, exponent form below 0.001. */
export function formatP(p: number): string {
  if (!Number.isFinite(p)) return '—';
  if (p === 0) return '< 1e-16';
  return p < 0.001 ? p.toExponential(2) : p.toPrecision(3);
}

/** A fraction as a percentage with one decimal ('—' for a missing or non-finite value). */
export function pct(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : `${(100 * v).toFixed(1)}%`;
}

/** "81.2 ± 1.3%" (std in percentage points); the mean alone for one seed. */
export function formatMeanStd(m: MeanStd): string {
  if (!Number.isFinite(m.mean)) return '—';
  return m.n > 1 ? `${(100 * m.mean).toFixed(1)} ± ${(100 * m.std).toFixed(1)}%` : pct(m.mean);
}
