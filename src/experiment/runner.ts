/**
 * The experiment runner (issue: settings × methods × seeds): for every setting and seed, one bank (built
 * or read by the provider), then every method on it — its sources picked out of the bank, its policy
 * resolved from the method's data — trained and evaluated by the engine. Records are plain data for the
 * report (report.ts) and JSON/CSV output. Runs in the browser or the CLI alike (the provider does I/O).
 */
import { CancelledError, ConfigError } from '../core/errors.ts';
import type { StageProgress } from '../core/progress.ts';
import type { Gpu } from '../gpu/device.ts';
import type { FeatureBank } from '../train/bank.ts';
import type { TrainConfig } from '../train/config.ts';
import { type MethodDef, parseMethodDef, resolveMethod } from '../train/method-registry.ts';
import { runMethod } from '../train/run-method.ts';
import { selectSources } from '../train/sub-bank.ts';

export interface RunRecord {
  setting: string;
  method: string;
  seed: number;
  top1: number;
  meanClassAcc: number;
  perClass: (number | null)[];
  /** Training images (train ∪ valid) per class. */
  trainCounts: number[];
  sources: string[];
  /** The policy used: softmax(a_y) per class over `sources`. */
  probs: number[][];
  testCount: number;
  seconds: number;
}

export interface ProvidedSetting {
  bank: FeatureBank;
  trainCounts: number[];
}

/** Builds (or reads) the bank of one setting for one seed. */
export type SettingProvider = (setting: string, seed: number) => Promise<ProvidedSetting>;

export interface ExperimentPlan {
  settings: readonly string[];
  methods: readonly string[];
  seeds: readonly number[];
  /** Training settings; `seed` is replaced by each run's seed. */
  train: TrainConfig;
}

export interface ExperimentHooks {
  onRun?: (record: RunRecord, index: number, total: number) => void;
  onProgress?: (p: StageProgress) => void;
  signal?: AbortSignal;
  /** Wall clock in seconds (injected: no globals needed in tests). */
  now?: () => number;
}

export function planMethods(names: readonly string[]): MethodDef[] {
  if (names.length === 0) throw new ConfigError('an experiment needs at least one method');
  const defs = names.map(parseMethodDef);
  const seen = new Set<string>();
  for (const d of defs) {
    if (seen.has(d.name)) throw new ConfigError(`method '${d.name}' is listed twice`);
    seen.add(d.name);
  }
  return defs;
}

export async function runExperiment(
  gpu: Gpu,
  plan: ExperimentPlan,
  provide: SettingProvider,
  hooks: ExperimentHooks = {},
): Promise<RunRecord[]> {
  const defs = planMethods(plan.methods);
  if (plan.settings.length === 0 || plan.seeds.length === 0)
    throw new ConfigError('an experiment needs at least one setting and one seed');
  const now = hooks.now ?? (() => performance.now() / 1000);
  const total = plan.settings.length * plan.seeds.length * defs.length;
  const records: RunRecord[] = [];
  for (const setting of plan.settings) {
    for (const seed of plan.seeds) {
      const { bank, trainCounts } = await provide(setting, seed);
      for (const def of defs) {
        if (hooks.signal?.aborted) throw new CancelledError('Experiment cancelled.');
        const r = resolveMethod(def, bank.sources, trainCounts, bank.classes);
        const sub = selectSources(bank, r.sourceIndex);
        const t0 = now();
        const out = await runMethod(
          gpu,
          sub,
          r.spec,
          { ...plan.train, seed },
          {
            onProgress: hooks.onProgress,
            signal: hooks.signal,
          },
        );
        const record: RunRecord = {
          setting,
          method: def.name,
          seed,
          top1: out.metrics.top1,
          meanClassAcc: out.metrics.meanClassAcc,
          perClass: out.metrics.perClass,
          trainCounts,
          sources: sub.sources,
          probs: out.probs,
          testCount: out.metrics.count,
          seconds: now() - t0,
        };
        records.push(record);
        hooks.onRun?.(record, records.length, total);
      }
    }
  }
  return records;
}
