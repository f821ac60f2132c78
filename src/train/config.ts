/**
 * Training-engine settings with their defaults. θ follows the paper/DA-Fusion (Adam, lr 1e-4, batch 32);
 * α defaults are this project's measured choice (see docs/ALGORITHM-NOTES.md): the paper's SGD lr 1e-3
 * barely moves the policy within a run.
 */
import { ConfigError } from '../core/errors.ts';

export type HeadKind = 'linear' | 'mlp';

export interface TrainConfig {
  head: HeadKind;
  /** Hidden width of the MLP head. */
  hidden: number;
  batchSize: number;
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** Search epochs (bilevel); one epoch = ceil(|D_train| / batch) exploitation steps. */
  epochs: number;
  /** Final-training epochs on D_train ∪ D_valid; one epoch = ceil(|train ∪ valid| / batch) steps. */
  finalEpochs: number;
  /** Search epochs at the start that train θ on the real images only, before α starts moving. */
  warmupEpochs: number;
  /** Exploration (α) steps after each exploitation (θ) step. */
  exploreSteps: number;
  /** Gumbel-softmax temperature τ. */
  tau: number;
  /**
   * Exploration loss with the class prior of D_train taken out of the logits (logit adjustment), so a
   * class the head over-predicts cannot look well served by another class's images.
   */
  balancedExploration: boolean;
  alphaOptimizer: 'adam' | 'sgd';
  alphaLr: number;
  seed: number;
}

export const DEFAULT_TRAIN_CONFIG: Readonly<TrainConfig> = Object.freeze({
  head: 'linear',
  hidden: 256,
  batchSize: 32,
  lr: 1e-4,
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  weightDecay: 0,
  epochs: 50,
  finalEpochs: 50,
  warmupEpochs: 0,
  exploreSteps: 1,
  tau: 1,
  balancedExploration: false,
  alphaOptimizer: 'adam',
  alphaLr: 0.05,
  seed: 0,
});

export function resolveTrainConfig(partial: Partial<TrainConfig> = {}): TrainConfig {
  const c = { ...DEFAULT_TRAIN_CONFIG, ...partial };
  const positiveInt = ['batchSize', 'hidden', 'epochs'] as const;
  for (const k of positiveInt) {
    if (!Number.isInteger(c[k]) || c[k] < 1)
      throw new ConfigError(`${k} must be a positive integer, got ${c[k]}`);
  }
  for (const k of ['finalEpochs', 'exploreSteps', 'warmupEpochs'] as const) {
    if (!Number.isInteger(c[k]) || c[k] < 0)
      throw new ConfigError(`${k} must be a non-negative integer, got ${c[k]}`);
  }
  for (const k of ['lr', 'alphaLr', 'tau', 'eps'] as const) {
    if (!(c[k] > 0) || !Number.isFinite(c[k]))
      throw new ConfigError(`${k} must be a positive number, got ${c[k]}`);
  }
  if (!(c.beta1 >= 0 && c.beta1 < 1 && c.beta2 >= 0 && c.beta2 < 1))
    throw new ConfigError('beta1 and beta2 must be in [0, 1)');
  if (c.warmupEpochs >= c.epochs)
    throw new ConfigError(`warmupEpochs (${c.warmupEpochs}) must be below epochs (${c.epochs})`);
  if (c.head !== 'linear' && c.head !== 'mlp')
    throw new ConfigError(`head must be 'linear' or 'mlp', got '${c.head}'`);
  if (c.alphaOptimizer !== 'adam' && c.alphaOptimizer !== 'sgd')
    throw new ConfigError(`alphaOptimizer must be 'adam' or 'sgd'`);
  if (!Number.isInteger(c.seed) || c.seed < 0 || c.seed > 0xffffffff)
    throw new ConfigError(`seed must be an integer in [0, 2^32), got ${c.seed}`);
  return c;
}
