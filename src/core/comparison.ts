/**
 * Methods compared across settings (ALGORITHM §11, paper App. B; Demšar 2006): one record per
 * setting × method × seed; a method's score in a setting is its mean over seeds, the settings are the
 * blocks of the rank tests (average ranks, Friedman with Iman–Davenport, Holm against a control).
 * Used by the experiment's report, the run's report and the app's methods table alike. When no test is
 * possible the result says why, in words a reader can act on.
 */
import { ConfigError } from './errors.ts';
import {
  averageRanks,
  type FriedmanResult,
  friedmanFromRanks,
  type HolmResult,
  holmVsControl,
  type MeanStd,
  meanStd,
  rankTable,
} from './stats.ts';

export type Metric = 'top1' | 'meanClassAcc';

/** The paper's method: the control of Holm's test when a run has it. */
export const PREFERRED_CONTROL = 'autogenda';

export interface ScoreRecord {
  setting: string;
  method: string;
  seed: number;
  top1: number;
  meanClassAcc: number;
}

export interface Comparison {
  metric: Metric;
  /** In order of first appearance. */
  settings: string[];
  methods: string[];
  /** cells[setting][method]: the metric over seeds (non-finite scores left out). */
  cells: MeanStd[][];
  /** With ≥ 2 methods that all have a score in every setting (1 = best). */
  avgRanks?: number[];
  friedman?: FriedmanResult;
  holm?: HolmResult & { controlName: string };
  /** Why there is no Friedman / Holm test; absent when there is one. */
  reason?: string;
  /** Set when the preferred control was not run and another method stands in for it. */
  controlNote?: string;
}

export interface CompareOptions {
  /** The control, named explicitly: it must be among the methods (a ConfigError otherwise). */
  control?: string;
  /** Without `control`: this method if it ran (default 'autogenda'), else the first method, noted. */
  preferred?: string;
  alpha?: number;
}

const uniq = (xs: readonly string[]) => [...new Set(xs)];

export function compareAcrossSettings(
  records: readonly ScoreRecord[],
  metric: Metric,
  o: CompareOptions = {},
): Comparison {
  const settings = uniq(records.map((r) => r.setting));
  const methods = uniq(records.map((r) => r.method));
  const cells = settings.map((s) =>
    methods.map((m) =>
      meanStd(
        records
          .filter((r) => r.setting === s && r.method === m)
          .map((r) => r[metric])
          .filter(Number.isFinite),
      ),
    ),
  );
  const out: Comparison = { metric, settings, methods, cells };
  if (methods.length < 2) {
    out.reason =
      methods.length === 0
        ? 'no method was run'
        : `one method (${methods[0]}): there is nothing to compare it with`;
    return out;
  }
  const missing: string[] = [];
  settings.forEach((s, i) => {
    methods.forEach((m, j) => {
      if (cells[i][j].n === 0) missing.push(`${m} in ${s}`);
    });
  });
  if (missing.length) {
    out.reason = `every method needs a score in every setting; none for ${missing.join(', ')}`;
    return out;
  }
  out.avgRanks = averageRanks(rankTable(cells.map((row) => row.map((c) => c.mean))));
  if (settings.length < 2) {
    out.reason =
      `one setting (${settings[0]}): the Friedman test needs ≥ 2 settings (blocks); ` +
      'sweep profiles (e.g. imbalanced:0.01,imbalanced:0.1) to get one';
    return out;
  }
  out.friedman = friedmanFromRanks(out.avgRanks, settings.length);
  let control: string;
  if (o.control !== undefined) {
    if (!methods.includes(o.control))
      throw new ConfigError(`control method '${o.control}' is not among the methods (${methods.join(', ')})`);
    control = o.control;
  } else {
    const preferred = o.preferred ?? PREFERRED_CONTROL;
    control = methods.includes(preferred) ? preferred : methods[0];
    if (control !== preferred)
      out.controlNote = `'${preferred}' was not run: Holm's test uses the first method, ${control}, as the control`;
  }
  const ci = methods.indexOf(control);
  out.holm = { ...holmVsControl(out.avgRanks, settings.length, ci, o.alpha), controlName: control };
  return out;
}
