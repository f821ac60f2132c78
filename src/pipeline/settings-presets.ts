/**
 * Named presets: patches over the schema's defaults (settings-schema.ts), so a preset states only how it
 * differs and follows every other default.
 * - paper: the paper's comparison on a dataset — imbalance factor 0.1 (ALGORITHM.md §2), AutoGenDA
 *   against the two baselines that need no sources beyond its own (search-free, identity), three seeds
 *   (the paper uses 8; three give a mean ± std and keep a run laptop-sized).
 * - demo: the one-click demo on fixture models — the paper's comparison with 1 + 1 candidates, 2
 *   denoising steps and 10 + 10 epochs, so it finishes in a minute or two.
 */
import type { TrainConfig } from '../train/config.ts';
import type { PipelineSettings } from './settings.ts';

export type SettingsPatch = Partial<Omit<PipelineSettings, 'train'>> & { train?: Partial<TrainConfig> };

const paper: SettingsPatch = {
  profiles: ['imbalanced:0.1'],
  seeds: [0, 1, 2],
  methods: ['autogenda', 'search-free', 'identity'],
};

export const PRESETS = Object.freeze({
  paper,
  demo: { ...paper, kLocal: 1, kTransfer: 1, steps: 2, train: { epochs: 10, finalEpochs: 10 } },
} satisfies Record<string, SettingsPatch>);

export type PresetName = keyof typeof PRESETS;

/** Settings with a patch applied (the training block merged, a new profile list also sets `profile`). */
export function applyPatch(s: PipelineSettings, patch: SettingsPatch): PipelineSettings {
  return {
    ...s,
    ...patch,
    ...(patch.profiles && { profile: patch.profiles[0] }),
    train: { ...s.train, ...patch.train },
  };
}
