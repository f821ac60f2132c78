/**
 * The methods table's numbers (pure; no DOM): every method × seed, mean ± std over seeds per method and
 * profile, and the rank tests of core/comparison.ts with the run's profiles as the blocks (one profile:
 * the reason there is no test).
 */

import {
  type Comparison,
  compareAcrossSettings,
  type Metric,
  PREFERRED_CONTROL,
  type ScoreRecord,
} from '../../core/comparison.ts';
import { type MeanStd, meanStd } from '../../core/stats.ts';
import type { RunRow, RunSummary } from '../../pipeline/app/contract.ts';

export { type Comparison, type Metric, PREFERRED_CONTROL };

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

/** The profiles of a run, first = the exported one (runs from before sweeps carry none). */
export function runProfiles(summary: Pick<RunSummary, 'profiles' | 'settings'>): string[] {
  if (summary.profiles?.length) return [...summary.profiles];
  return [summary.settings?.profile ?? 'this run'];
}

const profileOf = (summary: Pick<RunSummary, 'profiles' | 'settings'>, r: RunRow) =>
  r.profile ?? runProfiles(summary)[0];

/** The runs of one profile (default: the first, whose run was exported and whose figures are shown). */
export function profileRuns(
  summary: Pick<RunSummary, 'profiles' | 'settings' | 'runs'>,
  profile = runProfiles(summary)[0],
): RunRow[] {
  return summary.runs.filter((r) => profileOf(summary, r) === profile);
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

/** Ranks per profile (mean over seeds), Friedman (+ Iman–Davenport) and Holm against autogenda. */
export function compareMethods(
  summary: Pick<RunSummary, 'profiles' | 'settings' | 'runs'>,
  metric: Metric,
  alpha = 0.05,
): Comparison {
  const records: ScoreRecord[] = summary.runs.map((r) => ({
    setting: profileOf(summary, r),
    method: r.method,
    seed: r.seed,
    top1: r.top1,
    meanClassAcc: r.meanClassAcc,
  }));
  return compareAcrossSettings(records, metric, { alpha });
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
