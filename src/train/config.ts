/**
 * Training-engine settings with their defaults. The user-facing ones (epochs, head, lr, …) are declared
 * once, with their defaults and limits, in config-schema.ts; the optimizer constants here are not settings.
 */
import { ConfigError } from '../core/errors.ts';
import { checkSetting } from '../core/setting-spec.ts';
import { TRAIN_SETTINGS } from './config-schema.ts';

export type HeadKind = 'linear' | 'mlp';

/** How the bank's feature rows are stored on the GPU for training (src/train/f16.ts). */
export type BankPrecision = 'f16' | 'f32';

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
  /**
   * The feature rows the training gathers read, on the GPU: f16 (half the memory; values rounded to
   * nearest even, the reference trains on the same rounded rows) or f32. Evaluation reads f32 rows.
   */
  bankPrecision: BankPrecision;
  /**
   * Training draws from windows of at most this many train+valid samples (src/train/windows.ts), so the
   * GPU need hold only one window's rows; results depend on it, never on the GPU's memory.
   */
  windowSamples: number;
  seed: number;
}

export const DEFAULT_TRAIN_CONFIG: Readonly<TrainConfig> = Object.freeze({
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  weightDecay: 0,
  seed: 0,
  ...Object.fromEntries(TRAIN_SETTINGS.map((s) => [s.key, s.default])),
} as TrainConfig);

export function resolveTrainConfig(partial: Partial<TrainConfig> = {}): TrainConfig {
  const c = { ...DEFAULT_TRAIN_CONFIG, ...partial };
  // the settings' limits (named by their flags), then the constants and what relates two settings
  for (const spec of TRAIN_SETTINGS) checkSetting(spec, c[spec.key as keyof TrainConfig]);
  if (!(c.eps > 0) || !Number.isFinite(c.eps))
    throw new ConfigError(`eps must be a positive number, got ${c.eps}`);
  if (!(c.beta1 >= 0 && c.beta1 < 1 && c.beta2 >= 0 && c.beta2 < 1))
    throw new ConfigError('beta1 and beta2 must be in [0, 1)');
  if (c.warmupEpochs >= c.epochs)
    throw new ConfigError(`--warmup-epochs (${c.warmupEpochs}) must be below --epochs (${c.epochs})`);
  if (!Number.isInteger(c.seed) || c.seed < 0 || c.seed > 0xffffffff)
    throw new ConfigError(`seed must be an integer in [0, 2^32), got ${c.seed}`);
  return c;
}
