/**
 * Methods as data (ALGORITHM §10): each paper baseline and ablation is a source list plus a policy rule,
 * mapped onto any bank's sources; custom methods parse from text; a bank lacking a source is refused with
 * the sources it has; a sub-bank copies exactly the chosen sources.
 */
import { describe, expect, it } from 'vitest';
import { featureOffset } from '../../src/train/bank.ts';
import { METHODS, parseMethodDef, resolveMethod, sourcesFor } from '../../src/train/method-registry.ts';
import { logitsFromProbs, policyProbs } from '../../src/train/methods.ts';
import { selectSources } from '../../src/train/sub-bank.ts';
import { randomBank } from '../support/random-bank.ts';

const ALL = ['identity', 'local', 'transfer', 'prompt', 'randaugment', 'simple'];

describe('the registry', () => {
  it("holds every method of ALGORITHM §10 with the paper's sources and rules", () => {
    const m = METHODS;
    expect(m.simple.sources).toEqual(['identity', 'simple']);
    expect(m.simple.rule).toEqual({ kind: 'fixed', probs: [0, 1] });
    expect(m.randaugment.rule).toEqual({ kind: 'fixed', probs: [0, 1] });
    expect(m.dafusion).toMatchObject({ sources: ['identity', 'prompt'], rule: { probs: [0.5, 0.5] } });
    expect(m.git.rule).toEqual({ kind: 'minority', threshold: 0.25, minority: [0.5, 0.5], majority: [1, 0] });
    expect(m['search-free']).toMatchObject({
      sources: ['identity', 'local', 'transfer'],
      rule: { kind: 'fixed' },
    });
    expect(m['wo-local']).toMatchObject({ sources: ['identity', 'transfer'], rule: { kind: 'search' } });
    expect(m['wo-transfer']).toMatchObject({ sources: ['identity', 'local'], rule: { kind: 'search' } });
    expect(m.autogenda).toMatchObject({
      sources: ['identity', 'local', 'transfer'],
      rule: { kind: 'search' },
    });
    expect(m['autogenda+ra'].sources).toEqual(['identity', 'local', 'transfer', 'randaugment']);
    expect(m['search-conv']).toMatchObject({
      sources: ['identity', 'simple', 'randaugment'],
      rule: { kind: 'search' },
    });
    for (const d of Object.values(m)) expect(d.sources[0]).toBe('identity');
  });
});

describe('resolveMethod', () => {
  it('maps sources onto the bank by name and keeps the rule', () => {
    const r = resolveMethod(METHODS['search-free'], ALL, [5, 5]);
    expect(r.sourceIndex).toEqual([0, 1, 2]);
    expect(r.spec).toEqual({ kind: 'fixed', name: 'search-free', probs: [1 / 3, 1 / 3, 1 / 3] });
    expect(resolveMethod(METHODS['autogenda+ra'], ALL, [5]).sourceIndex).toEqual([0, 1, 2, 4]);
    expect(resolveMethod(METHODS.autogenda, ALL, [5]).spec).toEqual({ kind: 'search', name: 'autogenda' });
  });

  it('GIT augments exactly the classes below 25 % of the largest class, with p = 0.5', () => {
    // Largest 100 → threshold 25: 24 and 2 are minority classes, 25 and 30 are not.
    const r = resolveMethod(METHODS.git, ALL, [100, 30, 24, 25, 2]);
    expect(r.sourceIndex).toEqual([0, 3]);
    expect(r.spec).toEqual({
      kind: 'fixed',
      name: 'git',
      probs: [
        [1, 0],
        [1, 0],
        [0.5, 0.5],
        [1, 0],
        [0.5, 0.5],
      ],
    });
    // Through the engine's own conversion: a minority class samples the synthetic half the time.
    const p = policyProbs(logitsFromProbs((r.spec as { probs: number[][] }).probs, 5, 2), 5, 2);
    expect(p[4][1]).toBeCloseTo(0.5, 12);
    expect(p[0][1]).toBe(0);
  });

  it('refuses a bank without a needed source, naming what the bank has', () => {
    expect(() => resolveMethod(METHODS.autogenda, ['identity', 'simple', 'randaugment'], [3])).toThrow(
      "method 'autogenda' needs source(s) 'local', 'transfer', which this bank lacks (it has identity, simple, randaugment)",
    );
  });
});

describe('custom methods from text', () => {
  it('search:, uniform: and fixed: put identity first (with p = 0 when not listed)', () => {
    expect(parseMethodDef('search:simple+randaugment')).toMatchObject({
      sources: ['identity', 'simple', 'randaugment'],
      rule: { kind: 'search' },
    });
    expect(parseMethodDef('uniform:simple+identity')).toMatchObject({
      sources: ['identity', 'simple'],
      rule: { kind: 'fixed', probs: [0.5, 0.5] },
    });
    expect(parseMethodDef('fixed:simple=0.7,identity=0.3').rule).toEqual({
      kind: 'fixed',
      probs: [0.3, 0.7],
    });
    expect(parseMethodDef('fixed:simple=1').rule).toEqual({ kind: 'fixed', probs: [0, 1] });
    // '+' between pairs, so the form fits in a comma-separated --methods list
    expect(parseMethodDef('fixed:simple=0.7+identity=0.3').rule).toEqual(
      parseMethodDef('fixed:simple=0.7,identity=0.3').rule,
    );
  });
  it('refuses unknown names, duplicates and bad probabilities', () => {
    expect(() => parseMethodDef('autogender')).toThrow(/unknown method 'autogender'/);
    expect(() => parseMethodDef('search:simple+simple')).toThrow(/twice/);
    expect(() => parseMethodDef('fixed:simple=-1')).toThrow(/p >= 0/);
  });
  it('sourcesFor takes the union of the methods sources, identity first', () => {
    expect(sourcesFor([METHODS.simple, METHODS['search-conv'], METHODS.dafusion])).toEqual([
      'identity',
      'simple',
      'randaugment',
      'prompt',
    ]);
  });
});

describe('selectSources', () => {
  it('copies exactly the chosen sources, in order, for every sample and candidate', () => {
    const bank = randomBank(1, { N: 7, S: 4, K: 3, D: 5, C: 2 });
    const sub = selectSources(bank, [0, 3, 1]);
    expect([sub.S, sub.K, sub.D, sub.N]).toEqual([3, 3, 5, 7]);
    expect(sub.sources).toEqual([bank.sources[0], bank.sources[3], bank.sources[1]]);
    for (let n = 0; n < 7; n++)
      [0, 3, 1].forEach((src, s) => {
        for (let k = 0; k < 3; k++) {
          const a = bank.features.subarray(
            featureOffset(bank, n, src, k),
            featureOffset(bank, n, src, k) + 5,
          );
          const b = sub.features.subarray(featureOffset(sub, n, s, k), featureOffset(sub, n, s, k) + 5);
          expect(Array.from(b)).toEqual(Array.from(a));
        }
      });
    expect(selectSources(bank, [0, 1, 2, 3])).toBe(bank); // all sources in order: no copy
  });
});
