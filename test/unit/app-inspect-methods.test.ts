/** The Inspect methods table's numbers: mean ± std over seeds and the rank tests, on hand-computed cases. */
import { describe, expect, it } from 'vitest';
import type { RunRow } from '../../src/pipeline/app/contract.ts';
import { DEFAULT_SETTINGS } from '../../src/ui/app/settings-defaults.ts';
import {
  compareMethods,
  formatMeanStd,
  formatP,
  methodNames,
  profileRuns,
  runProfiles,
  summariseMethods,
} from '../../src/ui/inspect/methods-data.ts';

const row = (method: string, seed: number, top1: number, meanClassAcc = top1): RunRow => ({
  method,
  seed,
  top1,
  meanClassAcc,
  perClass: [],
  sources: ['identity', 'local', 'transfer'],
  probs: [],
  history: [],
});

// 3 methods × 4 rows (profiles below, seeds in the mean ± std case). Ranks per row (1 = best): r0 A1 B2 C3;
// r1 B1 A2 C3; r2 A1 B2.5 C2.5 (tie); r3 A1 C2 B3 → average ranks A 1.25, B 2.125, C 2.625.
const TOP1: [number, number, number][] = [
  [0.9, 0.8, 0.7],
  [0.85, 0.86, 0.7],
  [0.9, 0.8, 0.8],
  [0.9, 0.7, 0.8],
];
// Each row of TOP1 is one profile (the blocks), run with seeds 0 and 1 at ±0.01 around the row's score:
// a method's score in a profile is its mean over seeds, so the ranks are those of TOP1.
const PROFILES = ['imbalanced:0.01', 'imbalanced:0.1', 'imbalanced:0.2', 'lowshot:4'];
const runs = (control = 'A'): RunRow[] =>
  TOP1.flatMap((scores, p) =>
    [control, 'B', 'C'].flatMap((m, j) =>
      [0, 1].map((seed) => ({
        ...row(m, seed, scores[j] + (seed ? 0.01 : -0.01), 1 - scores[j]),
        profile: PROFILES[p],
      })),
    ),
  );
const summary = (rs: RunRow[], profiles?: string[]) => ({
  runs: rs,
  profiles,
  settings: { ...DEFAULT_SETTINGS, profile: 'imbalanced:0.1' },
});

describe('methods table', () => {
  it('lists methods in run order and averages each over its seeds', () => {
    const rs = [row('b', 1, 0.5), row('a', 1, 0.7), row('b', 0, 0.7), row('a', 0, 0.8)];
    expect(methodNames(rs)).toEqual(['b', 'a']);
    const [b, a] = summariseMethods(rs);
    expect(b.method).toBe('b');
    expect(b.seeds).toEqual([0, 1]);
    expect(b.top1.mean).toBeCloseTo(0.6, 12);
    // sample std of [0.5, 0.7]: sqrt(2 · 0.1² / 1)
    expect(b.top1.std).toBeCloseTo(Math.SQRT2 * 0.1, 12);
    expect(a.top1.mean).toBeCloseTo(0.75, 12);
    expect(a.top1.n).toBe(2);
  });

  it('mean ± std on a 4-seed example: A top-1 0.8875 ± 0.025', () => {
    const rs = TOP1.flatMap((scores, seed) =>
      ['A', 'B', 'C'].map((m, j) => row(m, seed, scores[j], 1 - scores[j])),
    );
    const [a] = summariseMethods(rs);
    expect(a.top1.mean).toBeCloseTo(0.8875, 12);
    expect(a.top1.std).toBeCloseTo(0.025, 12);
    expect(a.meanClassAcc.mean).toBeCloseTo(0.1125, 12);
    expect(formatMeanStd(a.top1)).toBe('88.8 ± 2.5%');
    expect(formatMeanStd({ mean: 0.5, std: 0, n: 1 })).toBe('50.0%');
  });

  it('ranks within profiles (means over seeds), Friedman + Iman–Davenport and Holm against autogenda', () => {
    const cmp = compareMethods(summary(runs('autogenda'), PROFILES), 'top1');
    if (!cmp.friedman || !cmp.holm || !cmp.avgRanks) throw new Error(cmp.reason);
    expect(cmp.methods).toEqual(['autogenda', 'B', 'C']);
    expect(cmp.settings).toEqual(PROFILES);
    expect(cmp.cells[0][0].mean).toBeCloseTo(0.9, 12);
    expect(cmp.avgRanks).toEqual([1.25, 2.125, 2.625]);
    // χ²_F = 12·4/(3·4) · (1.25² + 2.125² + 2.625² − 3·4²/4) = 4 · 0.96875
    expect(cmp.friedman.chi2).toBeCloseTo(3.875, 12);
    expect(cmp.friedman.pChi2).toBeCloseTo(Math.exp(-3.875 / 2), 9); // χ² with 2 df
    // F_F = 3 · 3.875 / (4 · 2 − 3.875), F(2, 6); p from scipy.stats.f.sf
    expect(cmp.friedman.ff).toBeCloseTo(11.625 / 4.125, 12);
    expect([cmp.friedman.df1, cmp.friedman.df2]).toEqual([2, 6]);
    expect(cmp.friedman.pF).toBeCloseTo(0.137088776, 6);
    // Holm: SE = √(3·4/(6·4)); z_C = 1.375/SE, z_B = 0.875/SE; C first (smaller p)
    expect(cmp.holm.controlName).toBe('autogenda');
    expect(cmp.holm.se).toBeCloseTo(Math.SQRT1_2, 12);
    const [c, b] = cmp.holm.rows;
    expect(cmp.methods[c.method]).toBe('C');
    expect(c.z).toBeCloseTo(1.944543648, 8);
    expect(c.p).toBeCloseTo(0.051829927, 6);
    expect(c.alphaAdj).toBeCloseTo(0.025, 12);
    expect(c.pAdj).toBeCloseTo(0.103659854, 6);
    expect(cmp.methods[b.method]).toBe('B');
    expect(b.z).toBeCloseTo(1.237436867, 8);
    expect(b.p).toBeCloseTo(0.215924939, 6);
    expect(b.pAdj).toBeCloseTo(0.215924939, 6);
    expect([c.reject, b.reject]).toEqual([false, false]);
  });

  it('uses the first method as control without autogenda (and says so), and ranks the chosen metric', () => {
    const cmp = compareMethods(summary(runs('A'), PROFILES), 'meanClassAcc');
    expect(cmp.holm?.controlName).toBe('A');
    expect(cmp.controlNote).toMatch(/'autogenda' was not run: .*the first method, A/);
    // meanClassAcc = 1 − top1 reverses every ranking
    expect(cmp.avgRanks).toEqual([2.75, 1.875, 1.375]);
  });

  it('one profile, however many seeds: no test, and why', () => {
    const one = runs('autogenda').filter((r) => r.profile === PROFILES[0]);
    // rows from before sweeps carry no profile: the settings' profile is theirs
    const cmp = compareMethods(summary(one.map(({ profile: _, ...r }) => r)), 'top1');
    expect(cmp.settings).toEqual(['imbalanced:0.1']);
    expect(cmp.friedman).toBeUndefined();
    expect(cmp.reason).toMatch(/^one setting \(imbalanced:0\.1\): the Friedman test needs ≥ 2 settings/);
    expect(profileRuns(summary(one, [PROFILES[0]]))).toHaveLength(6);
    expect(runProfiles(summary(one))).toEqual(['imbalanced:0.1']);
    const solo = compareMethods(summary([row('autogenda', 0, 0.5)]), 'top1');
    expect(solo.reason).toMatch(/one method \(autogenda\)/);
  });

  it('the figures read the first profile; the table reads them all', () => {
    const s = summary(runs('autogenda'), PROFILES);
    expect(profileRuns(s).every((r) => r.profile === PROFILES[0])).toBe(true);
    expect(profileRuns(s, PROFILES[3])).toHaveLength(6);
    expect(compareMethods(s, 'top1').cells).toHaveLength(4);
  });

  it('formats p-values as the paper does', () => {
    expect(formatP(0.05182992)).toBe('0.0518');
    expect(formatP(1.685043e-10)).toBe('1.69e-10');
    expect(formatP(0)).toBe('< 1e-16');
    expect(formatP(Number.NaN)).toBe('—');
  });
});
