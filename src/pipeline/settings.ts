/** The settings of one pipeline run; every default is small enough for a laptop and the test suite. */
import { ConfigError } from '../core/errors.ts';
import { parseProfile } from '../core/profiles.ts';
import { resolveTrainConfig, type TrainConfig } from '../train/config.ts';

export interface PipelineSettings {
  /** 'imbalanced:0.1', 'lowshot:4' or 'full'. */
  profile: string;
  /** Seeds the split, the prompts and the generation seeds (the data); training seeds are `seeds`. */
  seed: number;
  /** Training seeds: every method runs once per seed; the first seed's first method is exported. */
  seeds: number[];
  methods: string[];
  kLocal: number;
  kTransfer: number;
  /** img2img strength, steps and guidance; undefined = the model's own (its manifest's img2img defaults). */
  strength?: number;
  steps?: number;
  guidance?: number;
  /** Neighbour classes per class, m (ALGORITHM.md §4). */
  neighbours: number;
  testFraction: number;
  /** Images per img2img / captioner call; never part of a cache key (a batch gives each image's own output). */
  batchGenerate: number;
  batchCaption: number;
  train: TrainConfig;
}

/** Defaults from bench/RESULTS.md ("Batched generation and captioning"). */
export const BATCH_GENERATE = 4;
export const BATCH_CAPTION = 4;

export function resolveSettings(p: Partial<PipelineSettings> = {}): PipelineSettings {
  const s: PipelineSettings = {
    profile: 'full',
    seed: 0,
    seeds: [0],
    methods: ['autogenda'],
    kLocal: 2,
    kTransfer: 2,
    neighbours: 3,
    testFraction: 0.2,
    ...p,
    // settings saved before these existed (a resumed app run) have none
    batchGenerate: p.batchGenerate ?? BATCH_GENERATE,
    batchCaption: p.batchCaption ?? BATCH_CAPTION,
    train: p.train ?? resolveTrainConfig(),
  };
  parseProfile(s.profile); // throws a ConfigError naming the bad profile
  const count = (v: number, what: string, min: number) => {
    if (!Number.isInteger(v) || v < min)
      throw new ConfigError(`${what} must be an integer >= ${min}, got ${v}`);
  };
  count(s.kLocal, 'k-local', 0);
  count(s.kTransfer, 'k-transfer', 0);
  if (s.steps !== undefined) count(s.steps, 'steps', 1);
  count(s.neighbours, 'neighbours', 1);
  count(s.batchGenerate, 'batch-generate', 1);
  count(s.batchCaption, 'batch-caption', 1);
  if (s.strength !== undefined && !(s.strength >= 0 && s.strength <= 1))
    throw new ConfigError(`strength must be in [0, 1], got ${s.strength}`);
  if (s.guidance !== undefined && !(s.guidance >= 0))
    throw new ConfigError(`guidance must be >= 0, got ${s.guidance}`);
  if (s.methods.length === 0) throw new ConfigError('at least one method is needed');
  if (s.seeds.length === 0) throw new ConfigError('at least one seed is needed');
  return s;
}
