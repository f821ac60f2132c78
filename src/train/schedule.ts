/**
 * The exact sequence of steps a run performs, shared by the GPU engine and the CPU reference so both do
 * the same maths on the same random streams. Each step gets a unique random stream and, for θ steps, its
 * Adam count and bias corrections.
 */
import type { TrainConfig } from './config.ts';

export type PoolName = 'train' | 'valid' | 'all';

export interface StepPlan {
  /** `warmup`: a θ step on the real images only (source 0) while α stays at its start. */
  kind: 'warmup' | 'exploit' | 'explore' | 'history';
  pool: PoolName;
  /** Unique per step of the run: selects the counter-based random numbers. */
  stream: number;
  /** Adam step count of θ (exploit steps). */
  t: number;
  bc1: number;
  bc2: number;
  /** Index into the loss accumulator. */
  lossSlot: number;
  epoch: number;
}

export interface PhaseSizes {
  train: number;
  valid: number;
}

export const stepsPerEpoch = (poolSize: number, batch: number) => Math.max(1, Math.ceil(poolSize / batch));

/** Loss slots: search epoch e → 2e (θ, on D_train), 2e+1 (α, on D_valid); final epoch e → 2·epochs + e. */
export const lossSlots = (cfg: TrainConfig) => 2 * cfg.epochs + cfg.finalEpochs;

/**
 * The bilevel search: per epoch, each exploitation step followed by `exploreSteps` exploration steps; the
 * first `warmupEpochs` epochs train θ on the real images only and leave α alone.
 */
export function* searchSchedule(cfg: TrainConfig, sizes: PhaseSizes): Generator<StepPlan> {
  let stream = 1;
  let t = 0;
  const n = stepsPerEpoch(sizes.train, cfg.batchSize);
  for (let epoch = 0; epoch < cfg.epochs; epoch++) {
    for (let i = 0; i < n; i++) {
      t++;
      const warm = epoch < cfg.warmupEpochs;
      yield {
        kind: warm ? 'warmup' : 'exploit',
        pool: 'train',
        stream: stream++,
        t,
        ...bias(cfg, t),
        lossSlot: 2 * epoch,
        epoch,
      };
      for (let r = 0; r < (warm ? 0 : cfg.exploreSteps); r++) {
        yield {
          kind: 'explore',
          pool: 'valid',
          stream: stream++,
          t,
          bc1: 1,
          bc2: 1,
          lossSlot: 2 * epoch + 1,
          epoch,
        };
      }
    }
    yield { kind: 'history', pool: 'valid', stream: 0, t, bc1: 1, bc2: 1, lossSlot: 0, epoch };
  }
}

/** Final training of a fresh head on D_train ∪ D_valid with a fixed policy. Streams follow the search's. */
export function* finalSchedule(cfg: TrainConfig, sizes: PhaseSizes): Generator<StepPlan> {
  let stream = 1 + cfg.epochs * stepsPerEpoch(sizes.train, cfg.batchSize) * (1 + cfg.exploreSteps);
  let t = 0;
  const n = stepsPerEpoch(sizes.train + sizes.valid, cfg.batchSize);
  for (let epoch = 0; epoch < cfg.finalEpochs; epoch++) {
    for (let i = 0; i < n; i++) {
      t++;
      yield {
        kind: 'exploit',
        pool: 'all',
        stream: stream++,
        t,
        ...bias(cfg, t),
        lossSlot: 2 * cfg.epochs + epoch,
        epoch,
      };
    }
  }
}

function bias(cfg: TrainConfig, t: number) {
  return { bc1: 1 - cfg.beta1 ** t, bc2: 1 - cfg.beta2 ** t };
}
