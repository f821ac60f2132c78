/**
 * The training-engine flags shared by `run`, `search` and `experiment`, built from the training settings'
 * one declaration (src/train/config-schema.ts), and the TrainConfig they make.
 */

import { resolveTrainConfig, type TrainConfig } from '../train/config.ts';
import { TRAIN_SETTINGS } from '../train/config-schema.ts';
import type { Flags } from './args.ts';
import { settingFlags, settingsFromFlags } from './settings-flags.ts';

export const TRAIN_FLAGS = settingFlags(TRAIN_SETTINGS);

/** The config from parsed flags (anything absent keeps its default); `seed` is passed by the caller. */
export function trainConfigFrom(f: Flags<typeof TRAIN_FLAGS>, extra: Partial<TrainConfig> = {}): TrainConfig {
  return resolveTrainConfig({ ...(settingsFromFlags(TRAIN_SETTINGS, f) as Partial<TrainConfig>), ...extra });
}
