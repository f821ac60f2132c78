/** The Inspect methods table's numbers: mean ± std over seeds and the rank tests, on hand-computed cases. */
import { describe, expect, it } from 'vitest';
import type { RunRow } from '../../src/pipeline/app/contract.ts';
import {
  compareMethods,
  formatMeanStd,
  formatP,
  methodNames,
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

// 3 methods × 4 seeds. Ranks per seed (1 = best): s0 A1 B2 C3; s1 B1 A2 C3; s2 A1 B2.5 C2.5 (tie);
// s3 A1 C2 B3 → average ranks A 1.25, B 2.125, C 2.625.
const TOP1: [number, number, number][] = [
  [0.9, 0.8, 0.7],
  [0.85, 0.86, 0.7],
  [0.9, 0.8, 0.8],
  [0.9, 0.7, 0.8],
];
const runs = (control = 'A'): RunRow[] =>
  TOP1.flatMap((scores, seed) => [control, 'B', 'C'].map((m, j) => row(m, seed, scores[j], 1 - scores[j])));

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

  it('mean ± std on the 4-seed example: A top-1 0.8875 ± 0.025', () => {
    const [a] = summariseMethods(runs());
    expect(a.top1.mean).toBeCloseTo(0.8875, 12);
    expect(a.top1.std).toBeCloseTo(0.025, 12);
    expect(a.meanClassAcc.mean).toBeCloseTo(0.1125, 12);
    expect(formatMeanStd(a.top1)).toBe('88.8 ± 2.5%');
    expect(formatMeanStd({ mean: 0.5, std: 0, n: 1 })).toBe('50.0%');
  });

  it('ranks within seeds, Friedman + Iman–Davenport and Holm against autogenda', () => {
    const cmp = compareMethods(runs('autogenda'), 'top1');
    if (cmp.kind !== 'test') throw new Error(cmp.reason);
    expect(cmp.methods).toEqual(['autogenda', 'B', 'C']);
    expect(cmp.seeds).toEqual([0, 1, 2, 3]);
    expect(cmp.avgRanks).toEqual([1.25, 2.125, 2.625]);
    // χ²_F = 12·4/(3·4) · (1.25² + 2.125² + 2.625² − 3·4²/4) = 4 · 0.96875
    expect(cmp.friedman.chi2).toBeCloseTo(3.875, 12);
    expect(cmp.friedman.pChi2).toBeCloseTo(Math.exp(-3.875 / 2), 9); // χ² with 2 df
    // F_F = 3 · 3.875 / (4 · 2 − 3.875), F(2, 6); p from scipy.stats.f.sf
    expect(cmp.friedman.ff).toBeCloseTo(11.625 / 4.125, 12);
    expect([cmp.friedman.df1, cmp.friedman.df2]).toEqual([2, 6]);
    expect(cmp.friedman.pF).toBeCloseTo(0.137088776, 6);
    // Holm: SE = √(3·4/(6·4)); z_C = 1.375/SE, z_B = 0.875/SE; C first (smaller p)
    expect(cmp.control).toBe(0);
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

  it('uses the first method as control without autogenda, and ranks the chosen metric', () => {
    const cmp = compareMethods(runs('A'), 'meanClassAcc');
    if (cmp.kind !== 'test') throw new Error(cmp.reason);
    expect(cmp.methods[cmp.control]).toBe('A');
    // meanClassAcc = 1 − top1 reverses every ranking
    expect(cmp.avgRanks).toEqual([2.75, 1.875, 1.375]);
  });

  it('keeps only seeds every method ran (with a finite score) as blocks', () => {
    const rs = [...runs(), row('B', 9, 0.5), row('A', 4, Number.NaN), row('B', 4, 0.1), row('C', 4, 0.2)];
    const cmp = compareMethods(rs, 'top1');
    if (cmp.kind !== 'test') throw new Error(cmp.reason);
    expect(cmp.seeds).toEqual([0, 1, 2, 3]);
    expect(cmp.dropped).toEqual([4, 9]);
    expect(cmp.avgRanks).toEqual([1.25, 2.125, 2.625]);
  });

  it('says why there is no test with one method or fewer than 2 shared seeds', () => {
    const one = compareMethods([row('autogenda', 0, 0.5), row('autogenda', 1, 0.6)], 'top1');
    expect(one).toEqual({ kind: 'none', reason: expect.stringMatching(/Only one method \(autogenda\)/) });
    const seed = compareMethods([row('a', 0, 0.5), row('b', 0, 0.6)], 'top1');
    expect(seed.kind).toBe('none');
    if (seed.kind === 'none') expect(seed.reason).toMatch(/at least 2 of the same seeds.*1 such seed/);
    const disjoint = compareMethods([row('a', 0, 0.5), row('b', 1, 0.6), row('a', 2, 0.5)], 'top1');
    if (disjoint.kind !== 'none') throw new Error('expected no test');
    expect(disjoint.reason).toMatch(/none \(seeds 0, 1, 2 miss some method\)/);
    expect(compareMethods([], 'top1')).toEqual({ kind: 'none', reason: 'No method was run.' });
  });

  it('formats p-values as the paper does', () => {
    expect(formatP(0.05182992)).toBe('0.0518');
    expect(formatP(1.685043e-10)).toBe('1.69e-10');
    expect(formatP(0)).toBe('< 1e-16');
    expect(formatP(Number.NaN)).toBe('—');
  });
});
