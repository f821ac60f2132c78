/**
 * Methods compared across settings (core/comparison.ts): a method's score in a setting is its mean over
 * seeds, settings are the blocks. Known inputs, hand-computed ranks / Friedman / Holm, and the reasons.
 */
import { describe, expect, it } from 'vitest';
import { compareAcrossSettings, type ScoreRecord } from '../../src/core/comparison.ts';

const rec = (setting: string, method: string, seed: number, top1: number): ScoreRecord => ({
  setting,
  method,
  seed,
  top1,
  meanClassAcc: 1 - top1,
});

// Per setting, two seeds at mean ± 0.1 (A) or exactly (the others). Means:
//   s1: A 0.5, autogenda 0.7, C 0.6 → ranks A 3, autogenda 1, C 2
//   s2: A 0.6, autogenda 0.8, C 0.5 → A 2, autogenda 1, C 3
//   s3: A 0.4, autogenda 0.9, C 0.4 → A 2.5, autogenda 1, C 2.5 (tie)
// Average ranks A 2.5, autogenda 1, C 2.5.
const MEANS: Record<string, [number, number, number]> = {
  s1: [0.5, 0.7, 0.6],
  s2: [0.6, 0.8, 0.5],
  s3: [0.4, 0.9, 0.4],
};
const records = (methods = ['A', 'autogenda', 'C']): ScoreRecord[] =>
  Object.entries(MEANS).flatMap(([s, means]) =>
    methods.flatMap((m, j) =>
      j === 0
        ? [rec(s, m, 0, means[j] - 0.1), rec(s, m, 1, means[j] + 0.1)]
        : [rec(s, m, 0, means[j]), rec(s, m, 1, means[j])],
    ),
  );

describe('compareAcrossSettings', () => {
  it('ranks the means over seeds per setting; Friedman, Iman–Davenport and Holm against autogenda', () => {
    const c = compareAcrossSettings(records(), 'top1');
    expect(c.settings).toEqual(['s1', 's2', 's3']);
    expect(c.methods).toEqual(['A', 'autogenda', 'C']);
    expect(c.cells[0][0].mean).toBeCloseTo(0.5, 12);
    expect(c.cells[0][0].std).toBeCloseTo(Math.sqrt(0.02), 12); // sample std of 0.4, 0.6
    expect(c.cells[0][0].n).toBe(2);
    expect(c.avgRanks).toEqual([2.5, 1, 2.5]);
    expect(c.reason).toBeUndefined();
    // χ²_F = 12·3/(3·4) · (2.5² + 1² + 2.5² − 3·4²/4) = 3 · 1.5
    expect(c.friedman?.chi2).toBeCloseTo(4.5, 12);
    expect(c.friedman?.pChi2).toBeCloseTo(Math.exp(-4.5 / 2), 12);
    // F_F = 2 · 4.5 / (3 · 2 − 4.5) = 6 with (2, 4) dof; F(2, d) survival = (1 + 2x/d)^(−d/2) = 4^−2
    expect(c.friedman?.ff).toBeCloseTo(6, 12);
    expect([c.friedman?.df1, c.friedman?.df2]).toEqual([2, 4]);
    expect(c.friedman?.pF).toBeCloseTo(1 / 16, 9);
    // Holm: SE = √(3·4/(6·3)); z = 1.5 / SE for A and C alike, p = erfc(z/√2) (Python's math.erfc)
    const h = c.holm;
    expect(h?.controlName).toBe('autogenda');
    expect(h?.se).toBeCloseTo(Math.sqrt(2 / 3), 12);
    expect(h?.rows.map((r) => c.methods[r.method])).toEqual(['A', 'C']);
    expect(h?.rows[0].z).toBeCloseTo(1.8371173070873836, 10);
    expect(h?.rows[0].p).toBeCloseTo(0.06619257972219343, 8);
    expect(h?.rows.map((r) => r.alphaAdj)).toEqual([0.025, 0.05]);
    expect(h?.rows[1].pAdj).toBeCloseTo(0.13238515944438686, 8);
    expect(h?.rows.some((r) => r.reject)).toBe(false);
  });

  it('ranks the other metric on its own scores', () => {
    // meanClassAcc = 1 − top1 reverses every ranking
    expect(compareAcrossSettings(records(), 'meanClassAcc').avgRanks).toEqual([1.5, 3, 1.5]);
  });

  it('one setting: ranks, but no test, and the reason says what to do', () => {
    const c = compareAcrossSettings(
      records().filter((r) => r.setting === 's1'),
      'top1',
    );
    expect(c.avgRanks).toEqual([3, 1, 2]);
    expect(c.friedman).toBeUndefined();
    expect(c.holm).toBeUndefined();
    expect(c.reason).toBe(
      'one setting (s1): the Friedman test needs ≥ 2 settings (blocks); sweep profiles (e.g. imbalanced:0.01,imbalanced:0.1) to get one',
    );
  });

  it('without autogenda the first method is the control, and the result says so', () => {
    const c = compareAcrossSettings(records(['A', 'B', 'C']), 'top1');
    expect(c.holm?.controlName).toBe('A');
    expect(c.controlNote).toBe(
      "'autogenda' was not run: Holm's test uses the first method, A, as the control",
    );
    expect(compareAcrossSettings(records(), 'top1').controlNote).toBeUndefined();
  });

  it('a named control must have run', () => {
    expect(compareAcrossSettings(records(), 'top1', { control: 'C' }).holm?.controlName).toBe('C');
    expect(() => compareAcrossSettings(records(), 'top1', { control: 'Z' })).toThrow(
      /control method 'Z' is not among the methods \(A, autogenda, C\)/,
    );
  });

  it('says why there is no test: no method, one method, a method missing from a setting', () => {
    expect(compareAcrossSettings([], 'top1').reason).toBe('no method was run');
    expect(compareAcrossSettings([rec('s1', 'A', 0, 0.5)], 'top1').reason).toBe(
      'one method (A): there is nothing to compare it with',
    );
    const gap = records().filter((r) => !(r.setting === 's2' && r.method === 'C'));
    const c = compareAcrossSettings(gap, 'top1');
    expect(c.reason).toBe('every method needs a score in every setting; none for C in s2');
    expect(c.avgRanks).toBeUndefined();
    // a non-finite score is no score: left out of the mean
    const nan = [...records(), rec('s1', 'C', 2, Number.NaN)];
    expect(compareAcrossSettings(nan, 'top1').cells[0][2]).toEqual({ mean: 0.6, std: 0, n: 2 });
  });
});
