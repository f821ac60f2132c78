/**
 * The report's comparison block: every method × seed's scores (per profile of a sweep), each run's
 * per-class accuracy with the class's training images, mean ± std per method, and the rank tests with
 * the profiles as settings (core/comparison.ts). Pure data: report.ts renders it, report.json holds it.
 */
import { type Comparison, compareAcrossSettings, type Metric } from '../../core/comparison.ts';
import { type MeanStd, meanStd } from '../../core/stats.ts';

/** One profile's finished runs, as the pipeline returns them. */
export interface ProfileRuns {
  profile: string;
  /** Training images per class (train ∪ valid) in this profile. */
  trainCounts: number[];
  runs: readonly {
    method: string;
    seed: number;
    metrics: { top1: number; meanClassAcc: number; perClass: (number | null)[] };
  }[];
}

export interface MethodScores {
  /** Per seed, in the order of the report's `seeds`. */
  top1: number[];
  meanClassAcc: number[];
}

export interface MethodEntry extends MethodScores {
  /** Mean ± sample std over the seeds (of the first profile, as `top1` / `meanClassAcc`). */
  mean: { top1: MeanStd; meanClassAcc: MeanStd };
  /** A sweep: every profile's scores (the first included), seeds in the report's order. */
  profiles?: Record<string, MethodScores>;
}

/** One method × seed × profile, with per-class accuracy next to each class's training images. */
export interface ClassRun {
  profile: string;
  method: string;
  seed: number;
  top1: number;
  meanClassAcc: number;
  /** Test accuracy per class; null for a class without a test image. */
  perClass: (number | null)[];
  trainCounts: number[];
}

export interface MethodsBlock {
  /** Training seeds, in the run's order. */
  seeds: number[];
  /** The settings of the comparison; the first one is the exported run. */
  profiles: string[];
  methods: Record<string, MethodEntry>;
  runs: ClassRun[];
  comparison: Record<Metric, Comparison>;
}

const METRICS: Metric[] = ['top1', 'meanClassAcc'];

export function methodsBlock(sweep: readonly ProfileRuns[], seeds: readonly number[]): MethodsBlock {
  const runs: ClassRun[] = sweep.flatMap((p) =>
    p.runs.map((r) => ({
      profile: p.profile,
      method: r.method,
      seed: r.seed,
      top1: r.metrics.top1,
      meanClassAcc: r.metrics.meanClassAcc,
      perClass: r.metrics.perClass,
      trainCounts: p.trainCounts,
    })),
  );
  const profiles = sweep.map((p) => p.profile);
  const scores = (profile: string, method: string): MethodScores => {
    const of = (seed: number) =>
      runs.find((r) => r.profile === profile && r.method === method && r.seed === seed);
    return {
      top1: seeds.map((s) => of(s)?.top1 ?? Number.NaN),
      meanClassAcc: seeds.map((s) => of(s)?.meanClassAcc ?? Number.NaN),
    };
  };
  const methods: Record<string, MethodEntry> = {};
  for (const name of [...new Set(runs.map((r) => r.method))]) {
    const first = scores(profiles[0], name);
    const finite = (xs: number[]) => xs.filter(Number.isFinite);
    methods[name] = {
      ...first,
      mean: { top1: meanStd(finite(first.top1)), meanClassAcc: meanStd(finite(first.meanClassAcc)) },
      ...(profiles.length > 1 && {
        profiles: Object.fromEntries(profiles.map((p) => [p, scores(p, name)])),
      }),
    };
  }
  const records = runs.map((r) => ({ ...r, setting: r.profile }));
  const comparison = Object.fromEntries(METRICS.map((m) => [m, compareAcrossSettings(records, m)])) as Record<
    Metric,
    Comparison
  >;
  return { seeds: [...seeds], profiles, methods, runs, comparison };
}

const pct1 = (x: number) => `${(100 * x).toFixed(2)}%`;

/** One line for a terminal: mean top-1 per method (first profile), then the test on it or why none. */
export function comparisonLine(b: MethodsBlock): string {
  const means = Object.entries(b.methods)
    .map(([m, e]) => `${m} ${Number.isFinite(e.mean.top1.mean) ? pct1(e.mean.top1.mean) : '—'}`)
    .join(', ');
  const c = b.comparison.top1;
  const test =
    c.friedman && c.holm
      ? `Friedman over ${c.settings.length} profiles p = ${c.friedman.pF.toExponential(2)} (Iman–Davenport); ` +
        `Holm vs ${c.holm.controlName}: ${c.holm.rows.filter((r) => r.reject).length} of ${c.holm.rows.length} significant`
      : `no rank test: ${c.reason}`;
  return `top-1 mean over ${b.seeds.length} seed(s)${b.profiles.length > 1 ? `, ${b.profiles[0]}` : ''}: ${means}; ${test}`;
}
