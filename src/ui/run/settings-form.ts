/**
 * The run form's pure parts: profile ⇄ its fields, the seed list ⇄ text, and the check that turns
 * the form into a valid run (the pipeline's own resolveSettings, so the form can never disagree with it).
 */
import { parseProfile } from '../../core/profiles.ts';
import type { RunSettings } from '../../pipeline/app/contract.ts';
import { resolveSettings } from '../../pipeline/settings.ts';
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

/** The reason the settings cannot run, or undefined when they can. */
export function settingsProblem(s: RunSettings): string | undefined {
  try {
    const { train, ...rest } = s;
    resolveSettings({ ...rest, train: resolveTrainConfig(train) });
    if (!(s.train.epochs >= 1 && Number.isInteger(s.train.epochs))) return 'search epochs must be ≥ 1';
    if (!(s.train.finalEpochs >= 1 && Number.isInteger(s.train.finalEpochs)))
      return 'final epochs must be ≥ 1';
    if (!(s.testFraction > 0 && s.testFraction < 1)) return 'the test fraction must be between 0 and 1';
    if (s.guidance !== undefined && !(s.guidance >= 0)) return 'guidance must be ≥ 0';
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
