/**
 * The run form's pure parts: profile ⇄ its fields, the seed list ⇄ text, and the check that turns
 * the form into a valid run.
 */
import { parseProfile } from '../../core/profiles.ts';
import type { RunSettings } from '../../pipeline/app/contract.ts';
import { checkSettings, resolveSettings, SETTINGS_SCHEMA, schemaDefaults } from '../../pipeline/settings.ts';
import { resolveTrainConfig } from '../../train/config.ts';

export type ProfileKind = 'imbalanced' | 'lowshot' | 'full';

export interface ProfileFields {
  kind: ProfileKind;
  factor: number;
  shots: number;
}

export function profileFields(profile: string): ProfileFields {
  const p = parseProfile(profile);
  return {
    kind: p.kind,
    factor: p.kind === 'imbalanced' ? p.factor : 0.1,
    shots: p.kind === 'lowshot' ? p.shots : 4,
  };
}

export function profileString(f: ProfileFields): string {
  if (f.kind === 'imbalanced') return `imbalanced:${f.factor}`;
  if (f.kind === 'lowshot') return `lowshot:${f.shots}`;
  return 'full';
}

/** '0, 1,2' → [0, 1, 2]; undefined when any entry is not a non-negative integer or a seed repeats. */
export function parseSeeds(text: string): number[] | undefined {
  const parts = text.split(/[\s,]+/).filter((s) => s !== '');
  if (parts.length === 0) return undefined;
  const seeds = parts.map(Number);
  if (seeds.some((s) => !Number.isInteger(s) || s < 0)) return undefined;
  return new Set(seeds).size === seeds.length ? seeds : undefined;
}

/**
 * The reason the settings cannot run, or undefined when they can: the pipeline's own checks of the
 * settings' one declaration (so the form can never disagree with the CLI), naming a setting by its
 * field's label.
 */
export function settingsProblem(s: RunSettings): string | undefined {
  try {
    const { train, ...rest } = s;
    if (rest.methods.length === 0) return 'at least one method is needed';
    if (rest.seeds.length === 0) return 'at least one seed is needed';
    const resolved = { ...schemaDefaults(), ...rest, profiles: rest.profiles ?? [rest.profile] };
    checkSettings({ ...resolved, train: { ...resolved.train, ...train } }, SETTINGS_SCHEMA, (spec) =>
      spec.label.toLowerCase(),
    );
    resolveSettings({ ...rest, train: resolveTrainConfig(train) });
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
