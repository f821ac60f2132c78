/**
 * The settings of one pipeline run: their defaults and limits are the schema's (settings-schema.ts,
 * train/config-schema.ts); resolveSettings fills in the defaults and refuses what breaks a limit, naming
 * the flag. A schema may be passed in, so a test can prove that one declaration drives everything.
 */
import { ConfigError } from '../core/errors.ts';
import { parseProfile } from '../core/profiles.ts';
import { checkSetting, type SettingSpec } from '../core/setting-spec.ts';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../train/config.ts';
import { TRAIN_SETTINGS } from '../train/config-schema.ts';
import { parseMethodDef } from '../train/method-registry.ts';
import { RUN_SETTINGS } from './settings-schema.ts';

export { BATCH_CAPTION, BATCH_GENERATE } from './settings-schema.ts';

export interface PipelineSettings {
  /** The profiles a run sweeps ('imbalanced:0.1', 'lowshot:4', 'full'); the first is the exported one. */
  profiles: string[];
  /** The profile one runPipeline call uses (a sweep sets it to each of `profiles` in turn). */
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

/** The declarations a run's settings come from: the run's own and the training engine's. */
export interface SettingsSchema {
  run: readonly SettingSpec[];
  train: readonly SettingSpec[];
}

export const SETTINGS_SCHEMA: SettingsSchema = Object.freeze({ run: RUN_SETTINGS, train: TRAIN_SETTINGS });

/** Every declared default (strength, steps and guidance stay undefined: the model's). */
export function schemaDefaults(schema: SettingsSchema = SETTINGS_SCHEMA): PipelineSettings {
  const run = Object.fromEntries(schema.run.map((s) => [s.key, s.default])) as Record<string, unknown>;
  const train = Object.fromEntries(schema.train.map((s) => [s.key, s.default]));
  const profiles = run.profiles as string[];
  return {
    ...run,
    profile: profiles[0],
    train: { ...DEFAULT_TRAIN_CONFIG, ...train },
  } as PipelineSettings;
}

/**
 * Checks every declared setting of `s` against its limits; `name` says how an error names it (the CLI's
 * `--flag` by default, the form's label in the app).
 */
export function checkSettings(
  s: PipelineSettings,
  schema: SettingsSchema = SETTINGS_SCHEMA,
  name: (spec: SettingSpec) => string = (spec) => `--${spec.flag}`,
): void {
  const at = (o: object, k: string) => (o as Record<string, unknown>)[k];
  for (const spec of schema.run) {
    const v = at(s, spec.key);
    checkSetting(spec, v, name(spec));
    // parseProfile's and parseMethodDef's errors name the bad entry and what is allowed
    if (spec.type === 'profiles') for (const p of v as string[]) parseProfile(p);
  }
  for (const spec of schema.train) checkSetting(spec, at(s.train, spec.key), name(spec));
  for (const m of s.methods) parseMethodDef(m);
  if (!s.profiles.includes(s.profile))
    throw new ConfigError(
      `profile '${s.profile}' is not one of the run's profiles (${s.profiles.join(', ')})`,
    );
}

/**
 * The settings with every default filled in, checked. Settings saved before a setting existed (a resumed
 * app run) get its default; a lone `profile` becomes the list of one.
 */
export function resolveSettings(
  p: Partial<PipelineSettings> = {},
  schema: SettingsSchema = SETTINGS_SCHEMA,
): PipelineSettings {
  const d = schemaDefaults(schema);
  const given = Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined));
  const profiles = p.profiles ?? (p.profile !== undefined ? [p.profile] : d.profiles);
  const s: PipelineSettings = {
    ...d,
    ...given,
    profiles,
    profile: p.profile ?? profiles[0],
    train: p.train ?? d.train,
  };
  if (s.methods.length === 0) throw new ConfigError('at least one method is needed');
  if (s.seeds.length === 0) throw new ConfigError('at least one seed is needed');
  checkSettings(s, schema);
  return s;
}
