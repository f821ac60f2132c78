/**
 * The run report's comparison block (export/methods.ts) and its markdown (export/report.ts): every
 * method × seed in the run's seed order, per-class accuracy with training images, mean ± std, and the
 * rank tests across the profiles of a sweep — or the reason with one profile.
 */
import { describe, expect, it } from 'vitest';
import { methodsBlock, type ProfileRuns } from '../../src/pipeline/export/methods.ts';
import { type RunReport, reportMarkdown } from '../../src/pipeline/export/report.ts';

const run = (method: string, seed: number, top1: number, perClass: (number | null)[] = [top1, null]) => ({
  method,
  seed,
  metrics: { top1, meanClassAcc: top1 - 0.1, perClass },
});

// Seeds listed 3, 1 (the run's order, not sorted); three methods.
const profile = (name: string, shift: number, trainCounts = [40, 4]): ProfileRuns => ({
  profile: name,
  trainCounts,
  runs: [
    run('autogenda', 3, 0.8 + shift, [0.9, 0.5]),
    run('autogenda', 1, 0.7 + shift, [0.8, 0.4]),
    run('search-free', 3, 0.6 + shift),
    run('search-free', 1, 0.5 + shift),
    run('identity', 3, 0.4 + shift),
    run('identity', 1, 0.45 + shift),
  ],
});

const base: RunReport = {
  method: 'autogenda',
  seed: 3,
  classes: ['big|class', 'rare <b>'],
  sources: ['identity', 'local', 'transfer'],
  models: {},
  plumbingOnly: true,
  metrics: { top1: 0.8, meanClassAcc: 0.7, perClass: [0.9, 0.5], testCount: 10 },
};

describe('the report’s methods block', () => {
  it('one profile: scores per seed in the run’s order, mean ± std, per-class with training images; no test, and why', () => {
    const b = methodsBlock([profile('imbalanced:0.1', 0)], [3, 1]);
    expect(b.seeds).toEqual([3, 1]);
    expect(b.profiles).toEqual(['imbalanced:0.1']);
    expect(Object.keys(b.methods)).toEqual(['autogenda', 'search-free', 'identity']);
    expect(b.methods.autogenda.top1).toEqual([0.8, 0.7]);
    expect(b.methods.autogenda.meanClassAcc.map((x) => +x.toFixed(12))).toEqual([0.7, 0.6]);
    expect(b.methods.autogenda.mean.top1.mean).toBeCloseTo(0.75, 12);
    expect(b.methods.autogenda.mean.top1.std).toBeCloseTo(Math.SQRT1_2 * 0.1, 12);
    expect(b.methods.autogenda.profiles).toBeUndefined();
    expect(b.runs).toHaveLength(6);
    expect(b.runs[0]).toEqual({
      profile: 'imbalanced:0.1',
      method: 'autogenda',
      seed: 3,
      top1: 0.8,
      meanClassAcc: expect.closeTo(0.7, 12),
      perClass: [0.9, 0.5],
      trainCounts: [40, 4],
    });
    expect(b.comparison.top1.reason).toMatch(
      /^one setting \(imbalanced:0\.1\): the Friedman test needs ≥ 2 settings/,
    );
    expect(b.comparison.top1.avgRanks).toEqual([1, 2, 3]);
    // JSON as report.json holds it: `methods` is { name: { top1: [per seed], meanClassAcc: [per seed] } }
    const json = JSON.parse(JSON.stringify({ ...base, ...b }));
    expect(json.methods.identity.top1).toEqual([0.4, 0.45]);
    expect(json.comparison.meanClassAcc.reason).toMatch(/one setting/);
  });

  it('a seed a method lacks is NaN in its list (null in JSON), not shifted', () => {
    const p = profile('full', 0);
    const b = methodsBlock(
      [{ ...p, runs: p.runs.filter((r) => !(r.method === 'identity' && r.seed === 3)) }],
      [3, 1],
    );
    expect(b.methods.identity.top1).toEqual([Number.NaN, 0.45]);
    expect(JSON.parse(JSON.stringify(b.methods.identity)).top1).toEqual([null, 0.45]);
    expect(b.methods.identity.mean.top1).toEqual({ mean: 0.45, std: 0, n: 1 });
  });

  it('a sweep: every profile a block of Friedman and Holm against autogenda; scores per profile', () => {
    // the same order in every profile: autogenda 1, search-free 2, identity 3
    const b = methodsBlock(
      [
        profile('imbalanced:0.01', -0.2, [40, 1]),
        profile('imbalanced:0.1', 0),
        profile('full', 0.1, [40, 40]),
      ],
      [3, 1],
    );
    expect(b.profiles).toEqual(['imbalanced:0.01', 'imbalanced:0.1', 'full']);
    expect(b.methods.autogenda.top1.map((x) => +x.toFixed(12))).toEqual([0.6, 0.5]); // the first profile's
    expect(Object.keys(b.methods.autogenda.profiles ?? {})).toEqual(b.profiles);
    expect(b.methods.autogenda.profiles?.full.top1.map((x) => +x.toFixed(12))).toEqual([0.9, 0.8]);
    const c = b.comparison.top1;
    expect(c.reason).toBeUndefined();
    expect(c.avgRanks).toEqual([1, 2, 3]);
    // identical rankings: χ²_F = N(k − 1) = 6, F_F infinite
    expect(c.friedman?.chi2).toBeCloseTo(6, 12);
    expect(c.friedman?.ff).toBe(Number.POSITIVE_INFINITY);
    expect(c.holm?.controlName).toBe('autogenda');
    expect(b.runs.filter((r) => r.profile === 'imbalanced:0.01')[0].trainCounts).toEqual([40, 1]);
  });

  it('report.md shows method × seed, mean ± std, the tests or the reason, and per-class vs frequency', () => {
    const one = reportMarkdown({ ...base, ...methodsBlock([profile('imbalanced:0.1', 0)], [3, 1]) });
    expect(one).toContain('## Methods');
    expect(one).toContain('plumbing check, these numbers are NOT results');
    expect(one).toContain('| method | seed | top-1 | mean per-class |');
    expect(one).toContain('| search\\-free | 3 | 60.00% | 50.00% |');
    expect(one).toContain('| autogenda | 75.00% ± 7.07% | 65.00% ± 7.07% |');
    expect(one).toMatch(
      /No rank test on top-1: one setting \(imbalanced:0\.1\): the Friedman test needs ≥ 2 settings/,
    );
    // per-class: most training images first; untrusted class names escaped
    expect(one).toContain('| big\\|class | 40 | 85.00% | 55.00% | 42.50% |');
    expect(one).toContain('| rare &lt;b\\> | 4 | 45.00% | — | — |');
    const sweep = reportMarkdown({
      ...base,
      ...methodsBlock([profile('imbalanced:0.01', -0.2), profile('full', 0.1)], [3, 1]),
    });
    expect(sweep).toContain('| profile | method | seed | top-1 | mean per-class |');
    expect(sweep).toMatch(
      /Rank tests on top-1, 2 profiles as the blocks: average ranks autogenda 1\.00, search\\-free 2\.00, identity 3\.00/,
    );
    expect(sweep).toContain('| Holm vs autogenda | z | p | α/(m−i+1) | significant |');
    // without the block (an old report) nothing of it shows
    expect(reportMarkdown(base)).not.toContain('## Methods');
  });
});
