/**
 * Statistics against independent oracles: Demšar (2006) §3.2.2's worked example (Table 6 and the numbers
 * printed in the text), the two p-values of the AutoGenDA paper's App. B that its setting reproduces, and
 * SciPy 1.10 golden numbers (test/golden/stats.json, made by test/golden/stats-golden.py).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  averageRanks,
  friedman,
  friedmanFromRanks,
  holmStepDown,
  holmVsControl,
  meanStd,
  rankRow,
  rankTable,
} from '../../src/core/stats.ts';
import { betaI, chi2Sf, fSf, logGamma, normalSf, normalTwoSided } from '../../src/core/stats-dist.ts';

const golden = JSON.parse(readFileSync(new URL('../golden/stats.json', import.meta.url), 'utf8'));

/** |got − want| ≤ rel·|want| (relative: the tails span 200 orders of magnitude). */
function closeRel(got: number, want: number, rel: number) {
  expect(Math.abs(got - want)).toBeLessThanOrEqual(rel * Math.abs(want) + 1e-300);
}

// Demšar (2006) Table 6: AUC of C4.5, C4.5+m, C4.5+cf, C4.5+m+cf on 14 UCI data sets, as printed.
const AUC = [
  [0.763, 0.768, 0.771, 0.798],
  [0.599, 0.591, 0.59, 0.569],
  [0.954, 0.971, 0.968, 0.967],
  [0.628, 0.661, 0.654, 0.657],
  [0.882, 0.888, 0.886, 0.898],
  [0.936, 0.931, 0.916, 0.931],
  [0.661, 0.668, 0.609, 0.685],
  [0.583, 0.583, 0.563, 0.625],
  [0.775, 0.838, 0.866, 0.875],
  [1.0, 1.0, 1.0, 1.0],
  [0.94, 0.962, 0.965, 0.962],
  [0.619, 0.666, 0.614, 0.669],
  [0.972, 0.981, 0.975, 0.975],
  [0.957, 0.978, 0.946, 0.97],
];
const VOTING = 12;

describe('ranks', () => {
  it('gives tied scores the mean of the ranks they span (1 = best)', () => {
    expect(rankRow([0.5, 0.9, 0.5, 0.1])).toEqual([2.5, 1, 2.5, 4]);
    expect(rankRow([3, 3, 3])).toEqual([2, 2, 2]);
    expect(rankRow([0.1, 0.2, 0.3], false)).toEqual([1, 2, 3]);
  });

  it("reproduces Demšar's Table 6 ranks from the printed AUCs (voting excepted: its 0.975s are rounded)", () => {
    const ranks = rankTable(AUC);
    ranks.forEach((row, i) => {
      if (i !== VOTING) expect(row).toEqual(golden.demsar.ranks[i]);
    });
    // Printed: 4, 1, 2, 3 from unrounded AUCs; rounded to three digits the last two tie.
    expect(ranks[VOTING]).toEqual([4, 1, 2.5, 2.5]);
  });

  it("gives Demšar's average ranks 3.143, 2.000, 2.893, 1.964", () => {
    const avg = averageRanks(golden.demsar.ranks);
    expect(avg.map((r) => r.toFixed(3))).toEqual(['3.143', '2.000', '2.893', '1.964']);
  });

  it('refuses non-finite scores and ragged tables', () => {
    expect(() => rankRow([1, Number.NaN])).toThrow(/non-finite/);
    expect(() => rankTable([[1, 2], [1]])).toThrow(/setting 1 has 1 scores/);
  });
});

describe("Friedman test (Demšar's example)", () => {
  const f = friedmanFromRanks(averageRanks(golden.demsar.ranks), 14);
  it('χ²_F = 9.28 and F_F = 3.69 as printed, and the exact values SciPy gives', () => {
    expect(f.chi2.toFixed(2)).toBe('9.28');
    expect(f.ff.toFixed(2)).toBe('3.69');
    closeRel(f.chi2, golden.demsar.chi2, 1e-12);
    closeRel(f.ff, golden.demsar.ff, 1e-12);
    expect([f.df1, f.df2]).toEqual([3, 39]);
  });
  it('p-values of χ² and F match SciPy; the 5 % critical value of F(3, 39) is 2.85 as printed', () => {
    closeRel(f.pChi2, golden.demsar.pChi2, 1e-9);
    closeRel(f.pF, golden.demsar.pF, 1e-9);
    expect(golden.demsar.fCrit05.toFixed(2)).toBe('2.85');
    closeRel(fSf(golden.demsar.fCrit05, 3, 39), 0.05, 1e-9);
    expect(f.pF).toBeLessThan(0.05); // "so we reject the null-hypothesis"
  });
  it('agrees with SciPy friedmanchisquare on a random table without ties', () => {
    const r = friedman(golden.randomTable.table);
    closeRel(r.chi2, golden.randomTable.chi2, 1e-12);
    closeRel(r.pChi2, golden.randomTable.pChi2, 1e-9);
  });
  it('identical rankings everywhere: χ² = N(k−1), F_F infinite, p = 0', () => {
    const r = friedman([
      [3, 2, 1],
      [30, 20, 10],
    ]);
    expect(r.chi2).toBeCloseTo(4, 12);
    expect(r.ff).toBe(Number.POSITIVE_INFINITY);
    expect(r.pF).toBe(0);
  });
});

describe('Holm vs a control', () => {
  it("reproduces Demšar's table: SE 0.488, z 2.416/2.342/0.512, p ≈ 0.016/0.019/0.607, first two rejected", () => {
    const avg = averageRanks(golden.demsar.ranks);
    const h = holmVsControl(avg, 14, 0);
    expect(h.se.toFixed(3)).toBe('0.488');
    expect(h.rows.map((r) => r.method)).toEqual([3, 1, 2]);
    // Demšar's control C4.5 ranks worse, so our z = (R_i − R_control)/SE is his z negated; he rounds the
    // ranks to three digits before dividing, so his z differ from the exact ones in the third decimal.
    expect(h.rows.map((r) => (-r.z).toFixed(2))).toEqual(['2.42', '2.34', '0.51']);
    // Printed p: 0.016, 0.019, 0.607 (the last from a table: 2·(1 − Φ(0.512)) is 0.6087).
    [0.016, 0.019, 0.607].forEach((p, i) => {
      expect(Math.abs(h.rows[i].p - p)).toBeLessThan(2e-3);
    });
    expect(h.rows.map((r) => r.alphaAdj.toFixed(3))).toEqual(['0.017', '0.025', '0.050']);
    expect(h.rows.map((r) => r.reject)).toEqual([true, true, false]);
    h.rows.forEach((r, i) => {
      closeRel(r.z, golden.demsar.holm[i].z, 1e-12);
      closeRel(r.p, golden.demsar.holm[i].p, 1e-9);
    });
  });

  it("reproduces the paper's printed p-values for GIT (1.012654e-02) and search-free (1.185697e-03)", () => {
    for (const g of golden.paper) {
      // k = 5 methods on N = 16 settings; the control ranks `gap` better on average.
      const h = holmVsControl([1, 1 + g.gap, 3, 4, 5], g.N, 0);
      const row = h.rows.find((r) => r.method === 1)!;
      expect(row.p.toExponential(6)).toBe(g.printed.toExponential(6));
      closeRel(row.p, g.p, 1e-9);
    }
  });

  it("gives the paper's Table 2 thresholds and decisions from its printed p-values", () => {
    const steps = holmStepDown([1.685043e-10, 1.709823e-4, 5.077373e-3, 1.012654e-2]);
    expect(steps.map((s) => s.alphaAdj.toFixed(4))).toEqual(['0.0125', '0.0167', '0.0250', '0.0500']);
    expect(steps.every((s) => s.reject)).toBe(true);
  });

  it('stops rejecting at the first retained hypothesis (step-down), and adjusts p monotonically', () => {
    const steps = holmStepDown([0.01, 0.04, 0.02 + 0.02, 0.049]);
    expect(steps.map((s) => s.reject)).toEqual([true, false, false, false]);
    expect(steps.map((s) => s.pAdj)).toEqual([0.04, 0.12, 0.12, 0.12]);
    expect(() => holmStepDown([0.2, 0.1])).toThrow(/ascending/);
  });
});

describe('distributions vs SciPy', () => {
  it('normal two-sided p, down to 1e-197', () => {
    for (const [z, p] of golden.normalTwoSided) closeRel(normalTwoSided(z), p, 1e-12);
    closeRel(normalSf(-1), 1 - golden.normalTwoSided[3][1] / 2, 1e-14);
  });
  it('χ² upper tail', () => {
    for (const [x, df, p] of golden.chi2Sf) closeRel(chi2Sf(x, df), p, 1e-12);
  });
  it('χ² with 2 dof has the closed form e^(−x/2)', () => {
    for (const x of [0.3, 4, 17, 90]) closeRel(chi2Sf(x, 2), Math.exp(-x / 2), 1e-13);
  });
  it('F upper tail', () => {
    for (const [x, d1, d2, p] of golden.fSf) closeRel(fSf(x, d1, d2), p, 1e-11);
  });
  it('log Γ and the incomplete beta identity I_x(1, b) = 1 − (1 − x)^b', () => {
    for (const [x, v] of golden.logGamma) expect(Math.abs(logGamma(x) - v)).toBeLessThan(1e-13);
    for (const [x, b] of [
      [0.3, 2],
      [0.9, 5.5],
    ])
      closeRel(betaI(1, b, x), 1 - (1 - x) ** b, 1e-13);
  });
});

describe('mean ± std', () => {
  it('uses the sample standard deviation', () => {
    const r = meanStd([1, 2, 3, 4]);
    expect(r.mean).toBe(2.5);
    expect(r.std).toBeCloseTo(Math.sqrt(5 / 3), 14);
    expect(meanStd([7])).toEqual({ mean: 7, std: 0, n: 1 });
  });
});
