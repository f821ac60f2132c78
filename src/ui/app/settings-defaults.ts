/**
 * The run form's defaults: the paper's (ALGORITHM.md) where it has one — m = 3 neighbours, K = 2
 * candidates per source, 50 search and 50 final epochs — and the demo's, small enough to finish in a
 * minute or two on a laptop GPU with the fixture models. Strength, steps and guidance are left empty:
 * each img2img model's own (its manifest: SD v1.x 50 steps and guidance 7.5, SD-Turbo 1 step without
 * guidance), so a fast model is never run with a slow model's settings.
 */
import type { RunSettings } from '../../pipeline/app/contract.ts';
import { BATCH_CAPTION, BATCH_GENERATE } from '../../pipeline/settings.ts';

export const DEFAULT_SETTINGS: RunSettings = {
  profile: 'imbalanced:0.1',
  seed: 0,
  seeds: [0, 1, 2],
  methods: ['autogenda', 'search-free', 'identity'],
  kLocal: 2,
  kTransfer: 2,
  neighbours: 3,
  testFraction: 0.2,
  batchGenerate: BATCH_GENERATE,
  batchCaption: BATCH_CAPTION,
  train: { epochs: 50, finalEpochs: 50 },
};

/** The one-click demo: the same method list, fewer candidates and steps (fixture models, small set). */
export const DEMO_SETTINGS: RunSettings = {
  ...DEFAULT_SETTINGS,
  kLocal: 1,
  kTransfer: 1,
  steps: 2,
  train: { epochs: 10, finalEpochs: 10 },
};
