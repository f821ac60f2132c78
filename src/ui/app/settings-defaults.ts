/**
 * The app's settings, all from the one schema (src/pipeline/settings-schema.ts): DEFAULT_SETTINGS are the
 * defaults the CLI has too, PAPER_SETTINGS and DEMO_SETTINGS its named presets (settings-presets.ts).
 * The form edits one profile (a sweep of several is the CLI's `--profile a,b`).
 */
import type { RunSettings } from '../../pipeline/app/contract.ts';
import { type PipelineSettings, SETTINGS_SCHEMA, schemaDefaults } from '../../pipeline/settings.ts';
import { applyPatch, PRESETS, type PresetName } from '../../pipeline/settings-presets.ts';

/** The form's values from resolved settings: one profile, and the training block's declared settings. */
export function runSettingsOf(s: PipelineSettings): RunSettings {
  const { profiles: _, train, ...rest } = s;
  const declared = Object.fromEntries(
    SETTINGS_SCHEMA.train.map((t) => [t.key, train[t.key as keyof typeof train]]),
  ) as RunSettings['train'];
  return { ...rest, train: declared };
}

const preset = (name: PresetName) => runSettingsOf(applyPatch(schemaDefaults(), PRESETS[name]));

export const DEFAULT_SETTINGS: RunSettings = runSettingsOf(schemaDefaults());
export const PAPER_SETTINGS: RunSettings = preset('paper');
export const DEMO_SETTINGS: RunSettings = preset('demo');
