import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, DEMO_SETTINGS } from '../../src/ui/app/settings-defaults.ts';
import { parseSeeds, profileFields, profileString, settingsProblem } from '../../src/ui/run/settings-form.ts';

describe('run settings form', () => {
  it('turns a profile into fields and back', () => {
    for (const p of ['imbalanced:0.1', 'imbalanced:0.01', 'lowshot:4', 'full']) {
      expect(profileString(profileFields(p))).toBe(p);
    }
    // Switching kind keeps a sensible value for the other field.
    const f = profileFields('lowshot:8');
    expect(profileString({ ...f, kind: 'imbalanced' })).toBe('imbalanced:0.1');
    expect(profileString({ ...profileFields('imbalanced:0.5'), kind: 'lowshot' })).toBe('lowshot:4');
  });

  it('reads a seed list and refuses bad ones', () => {
    expect(parseSeeds('0, 1,2')).toEqual([0, 1, 2]);
    expect(parseSeeds(' 7 ')).toEqual([7]);
    for (const bad of ['', ' , ', '1, x', '-1', '1.5', '1, 1']) expect(parseSeeds(bad), bad).toBeUndefined();
  });

  it('the defaults are valid and follow the paper', () => {
    expect(settingsProblem(DEFAULT_SETTINGS)).toBeUndefined();
    expect(settingsProblem(DEMO_SETTINGS)).toBeUndefined();
    expect(DEFAULT_SETTINGS).toMatchObject({
      neighbours: 3,
      kLocal: 2,
      kTransfer: 2,
      train: { epochs: 50, finalEpochs: 50 },
    });
    // strength, steps and guidance are the img2img model's own unless the user sets them
    for (const k of ['strength', 'steps', 'guidance'] as const) expect(DEFAULT_SETTINGS[k]).toBeUndefined();
  });

  it('says why settings cannot run, with the pipeline’s own checks', () => {
    const bad = (patch: object) => settingsProblem({ ...DEFAULT_SETTINGS, ...patch });
    expect(bad({ strength: 1.5 })).toMatch(/strength must be in \[0, 1\]/);
    expect(bad({ methods: [] })).toMatch(/at least one method/);
    expect(bad({ seeds: [] })).toMatch(/at least one seed/);
    expect(bad({ profile: 'imbalanced:0' })).toMatch(/factor/i);
    expect(bad({ kLocal: 1.5 })).toMatch(/local candidates per image \(k\) must be an integer >= 0, got 1.5/);
    expect(bad({ testFraction: 1 })).toMatch(/test fraction/);
    expect(bad({ train: { epochs: 0, finalEpochs: 50 } })).toMatch(/epochs/);
    expect(bad({ train: { epochs: 5, finalEpochs: 0 } })).toMatch(/final epochs/);
  });
});
