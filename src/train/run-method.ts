/**
 * One method on one feature bank, end to end on the GPU: search the policy (autogenda) or take a fixed
 * one, train a fresh head on train ∪ valid with it, and evaluate on the test split (source 0, candidate 0).
 */
import type { Gpu } from '../gpu/device.ts';
import type { TrainBank } from './bank-rows.ts';
import type { TrainConfig } from './config.ts';
import { type EngineOptions, type PhaseStats, TrainEngine } from './engine.ts';
import type { DenseParams } from './head-init.ts';
import { logitsFromProbs, type MethodSpec, policyProbs } from './methods.ts';
import { computeMetrics, type Metrics } from './metrics.ts';

export interface HistoryEpoch {
  epoch: number;
  /** softmax(a_y) per class after this search epoch. */
  probs: number[][];
  trainLoss: number;
  /** null in warm-up epochs (no α step ran). */
  validLoss: number | null;
}

export interface MethodResult {
  method: string;
  classes: string[];
  sources: string[];
  probs: number[][];
  alpha: number[];
  metrics: Metrics;
  history: { search: HistoryEpoch[]; finalLoss: number[] };
  stats: Record<'search' | 'train', PhaseStats>;
  dispatchesPerStep: Record<string, number>;
  /** The final head's parameters (for the one-file classifier export). */
  head: DenseParams[];
}

export async function runMethod(
  gpu: Gpu,
  bank: TrainBank,
  method: MethodSpec,
  cfg: TrainConfig,
  opts: EngineOptions = {},
): Promise<MethodResult> {
  const C = bank.classes.length;
  const S = bank.S;
  const engine = await TrainEngine.create(gpu, bank, cfg, opts);
  try {
    let alpha: Float32Array;
    const search: HistoryEpoch[] = [];
    if (method.kind === 'search') {
      const out = await engine.search();
      alpha = out.alpha;
      for (let e = 0; e < cfg.epochs; e++) {
        const slice = out.history.subarray(e * C * S, (e + 1) * C * S);
        const probs = Array.from({ length: C }, (_, c) => Array.from(slice.subarray(c * S, (c + 1) * S)));
        search.push({
          epoch: e + 1,
          probs,
          trainLoss: out.trainLoss[e],
          validLoss: Number.isNaN(out.validLoss[e]) ? null : out.validLoss[e],
        });
      }
    } else {
      alpha = logitsFromProbs(method.probs, C, S);
    }
    const trained = await engine.train(alpha);
    opts.onProgress?.({
      type: 'stage',
      stage: 'evaluate',
      done: 0,
      total: bank.split.test.length,
      unit: 'images',
    });
    const preds = await engine.predict(trained.head);
    const metrics = computeMetrics(
      bank.split.test.map((n) => bank.labels[n]),
      preds,
      C,
    );
    opts.onProgress?.({
      type: 'stage',
      stage: 'evaluate',
      done: bank.split.test.length,
      total: bank.split.test.length,
      unit: 'images',
    });
    return {
      method: method.name,
      classes: bank.classes,
      sources: bank.sources,
      probs: policyProbs(alpha, C, S),
      alpha: Array.from(alpha),
      metrics,
      history: { search, finalLoss: trained.loss },
      stats: engine.stats,
      dispatchesPerStep: { ...engine.dispatchesPerStep } as Record<string, number>,
      head: trained.params,
    };
  } finally {
    engine.release();
  }
}
