/** The training-engine flags shared by `search` and `experiment`, and the TrainConfig they make. */
import { ConfigError } from '../core/errors.ts';
import { resolveTrainConfig, type TrainConfig } from '../train/config.ts';
import type { Flags } from './args.ts';

export const TRAIN_FLAGS = {
  epochs: { type: 'number', value: 'N', help: 'search epochs (default 50)' },
  'final-epochs': {
    type: 'number',
    value: 'N',
    help: 'final-training epochs on train ∪ valid (default: --epochs)',
  },
  head: { type: 'string', value: 'linear|mlp', help: 'classifier head (default linear)' },
  hidden: { type: 'number', value: 'N', help: 'hidden width of the mlp head (default 256)' },
  batch: { type: 'number', value: 'N', help: 'batch size (default 32)' },
  lr: { type: 'number', value: 'X', help: 'Adam learning rate of the head (default 1e-4)' },
  'alpha-lr': { type: 'number', value: 'X', help: 'learning rate of the policy logits (default 0.05)' },
  'alpha-optimizer': {
    type: 'string',
    value: 'adam|sgd',
    help: 'optimizer of the policy logits (default adam)',
  },
  'warmup-epochs': {
    type: 'number',
    value: 'N',
    help: 'search epochs at the start that train the head on real images only, before the policy moves (default 0)',
  },
  'explore-steps': {
    type: 'number',
    value: 'N',
    help: 'policy steps per head step during the search (default 1)',
  },
  tau: { type: 'number', value: 'X', help: 'Gumbel-softmax temperature (default 1)' },
  'exploration-loss': {
    type: 'string',
    value: 'balanced|plain',
    help: "the policy's loss: the paper's plain cross-entropy (plain, default) or with the class prior taken out of the logits (balanced)",
  },
} as const;

/** The config from parsed flags (anything absent keeps its default); `seed` is passed by the caller. */
export function trainConfigFrom(f: Flags<typeof TRAIN_FLAGS>, extra: Partial<TrainConfig> = {}): TrainConfig {
  return resolveTrainConfig({
    ...(f.epochs !== undefined && { epochs: f.epochs, finalEpochs: f.epochs }),
    ...(f['final-epochs'] !== undefined && { finalEpochs: f['final-epochs'] }),
    ...(f.head !== undefined && { head: f.head as TrainConfig['head'] }),
    ...(f.hidden !== undefined && { hidden: f.hidden }),
    ...(f.batch !== undefined && { batchSize: f.batch }),
    ...(f.lr !== undefined && { lr: f.lr }),
    ...(f['alpha-lr'] !== undefined && { alphaLr: f['alpha-lr'] }),
    ...(f['alpha-optimizer'] !== undefined && {
      alphaOptimizer: f['alpha-optimizer'] as TrainConfig['alphaOptimizer'],
    }),
    ...(f['explore-steps'] !== undefined && { exploreSteps: f['explore-steps'] }),
    ...(f['warmup-epochs'] !== undefined && { warmupEpochs: f['warmup-epochs'] }),
    ...(f.tau !== undefined && { tau: f.tau }),
    ...(f['exploration-loss'] !== undefined && {
      balancedExploration: explorationLoss(f['exploration-loss']),
    }),
    ...extra,
  });
}

function explorationLoss(v: string): boolean {
  if (v === 'balanced' || v === 'plain') return v === 'balanced';
  throw new ConfigError(`--exploration-loss must be 'balanced' or 'plain', got '${v}'`);
}
