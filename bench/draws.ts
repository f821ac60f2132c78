/**
 * The random draws of one search step, made on the CPU with the engine's own counter-based generator
 * (src/train/reference-math.ts), for implementations that cannot run our hash on the GPU (tfjs). Everything
 * here is independent of α: the sample n, its label, every source's Gumbel noise g and candidate k. What
 * does depend on α (the source picked by Gumbel-argmax, the relaxed weights z) is left to the GPU.
 */
import type { FeatureBank } from '../src/train/bank.ts';
import type { TrainConfig } from '../src/train/config.ts';
import { drawCandidate, drawSample, planContext, sourceNoise } from '../src/train/reference-math.ts';
import type { StepPlan } from '../src/train/schedule.ts';

export interface StepDraws {
  /** Label of each batch row [B]. */
  y: Int32Array;
  /** Row of the bank viewed as [N·S·K, D] for (row j, source s): ((n·S + s)·K + k_js) [B·S]. */
  rows: Int32Array;
  /** Gumbel noise g_js [B·S]. */
  g: Float32Array;
  /** one-hot(y) [B·C]. */
  onehot: Float32Array;
  /** 1 for classes present in the batch (the only ones α's sparse Adam moves) [C]. */
  present: Float32Array;
}

export function stepDraws(bank: FeatureBank, cfg: TrainConfig, plan: StepPlan, pool: number[]): StepDraws {
  const { S, K } = bank;
  const B = cfg.batchSize;
  const C = bank.classes.length;
  const ctx = planContext(plan, cfg.seed, S, K);
  const y = new Int32Array(B);
  const rows = new Int32Array(B * S);
  const g = new Float32Array(B * S);
  const onehot = new Float32Array(B * C);
  const present = new Float32Array(C);
  for (let j = 0; j < B; j++) {
    const n = drawSample(ctx, j, pool);
    const label = bank.labels[n];
    y[j] = label;
    onehot[j * C + label] = 1;
    present[label] = 1;
    for (let s = 0; s < S; s++) {
      g[j * S + s] = sourceNoise(ctx, j, s);
      rows[j * S + s] = (n * S + s) * K + drawCandidate(ctx, j, s);
    }
  }
  return { y, rows, g, onehot, present };
}
