import { describe, expect, it } from 'vitest';
import { stageFraction } from '../../src/core/progress.ts';
import { formatEta, overallFraction, progressTracker, RUN_STAGES } from '../../src/ui/run/progress-state.ts';

describe('the run screen progress state', () => {
  it('folds stage events, with an ETA from the average rate', () => {
    let t = 0;
    const track = progressTracker(() => t);
    let p = track({}, { type: 'stage', stage: 'caption', done: 0, total: 10, unit: 'images' });
    expect(p.caption).toEqual({ done: 0, total: 10, unit: 'images', etaSeconds: undefined });
    t = 4000; // 4 items in 4 s → 6 left at 1 item/s
    p = track(p, { type: 'stage', stage: 'caption', done: 4, total: 10, unit: 'images' });
    expect(p.caption?.etaSeconds).toBeCloseTo(6, 6);
    p = track(p, { type: 'stage', stage: 'split', done: 1, total: 1 });
    expect(Object.keys(p).sort()).toEqual(['caption', 'split']);
  });

  it('keeps a stage message until another replaces it', () => {
    const track = progressTracker(() => 0);
    let p = track(
      {},
      { type: 'stage', stage: 'train', done: 0, total: 1, message: 'autogenda, seed 0 (run 1 of 2)' },
    );
    p = track(p, { type: 'stage', stage: 'train', done: 5, total: 20, unit: 'steps' });
    expect(p.train).toMatchObject({ done: 5, total: 20, message: 'autogenda, seed 0 (run 1 of 2)' });
    p = track(p, {
      type: 'stage',
      stage: 'train',
      done: 0,
      total: 1,
      message: 'identity, seed 0 (run 2 of 2)',
    });
    expect(p.train?.message).toBe('identity, seed 0 (run 2 of 2)');
    expect(p.search).toBeUndefined();
  });

  it('a stage run in parts (training runs) never goes backwards', () => {
    const track = progressTracker(() => 0);
    const ev = (index: number, done: number, total: number) =>
      ({ type: 'stage', stage: 'search', done, total, part: { index, count: 3 } }) as const;
    let p = track({}, ev(0, 10, 20));
    expect(stageFraction(p.search!)).toBeCloseTo(0.5 / 3, 12);
    const before = overallFraction(p);
    p = track(p, ev(1, 0, 20)); // the next run starts at step 0
    expect(stageFraction(p.search!)).toBeCloseTo(1 / 3, 12);
    expect(overallFraction(p)).toBeGreaterThan(before);
    p = track(p, ev(2, 1, 1));
    expect(stageFraction(p.search!)).toBe(1);
    expect(p.search?.part).toEqual({ index: 2, count: 3 });
  });

  it('weighs every reported stage equally in the overall fraction', () => {
    const n = RUN_STAGES.length;
    expect(RUN_STAGES).not.toContain('export');
    expect(overallFraction({})).toBe(0);
    expect(overallFraction({ import: { done: 5, total: 5 }, caption: { done: 1, total: 4 } })).toBeCloseTo(
      1.25 / n,
      12,
    );
    expect(overallFraction({ import: { done: 9, total: 5 } })).toBeCloseTo(1 / n, 12); // capped at a whole stage
    const all = Object.fromEntries(RUN_STAGES.map((s) => [s, { done: 2, total: 2 }]));
    expect(overallFraction(all)).toBe(1);
  });

  it('says the ETA in words', () => {
    expect(formatEta(undefined)).toBe('');
    expect(formatEta(0)).toBe('done');
    expect(formatEta(4.2)).toBe('about 5 s left');
    expect(formatEta(125)).toBe('about 3 min left');
  });
});
