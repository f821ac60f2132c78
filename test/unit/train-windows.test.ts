/**
 * Sample windows (src/train/windows.ts): each epoch's windows partition every pool, the steps keep the
 * schedule's order with each step in exactly one window, the windows follow the seed only, and a phase
 * that fits is one window over today's pools.
 */
import { describe, expect, it } from 'vitest';
import { resolveTrainConfig, type TrainConfig } from '../../src/train/config.ts';
import { finalSchedule, searchSchedule } from '../../src/train/schedule.ts';
import { type Phase, phaseWindows } from '../../src/train/windows.ts';

const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);
// train: even samples, valid: odd ones below 60 (train 50, valid 30)
const split = { train: range(0, 50).map((i) => 2 * i), valid: range(0, 30).map((i) => 2 * i + 1) };
const cfg = (o: Partial<TrainConfig> = {}) =>
  resolveTrainConfig({ epochs: 3, finalEpochs: 2, batchSize: 4, exploreSteps: 2, windowSamples: 30, ...o });
const schedule = (c: TrainConfig, phase: Phase) => {
  const sizes = { train: split.train.length, valid: split.valid.length };
  return [...(phase === 'search' ? searchSchedule(c, sizes) : finalSchedule(c, sizes))];
};
const sorted = (a: number[]) => [...a].sort((x, y) => x - y);

describe('sample windows', () => {
  it('one window over the pools as they are when the phase fits', () => {
    for (const phase of ['search', 'train'] as const) {
      const c = cfg({ windowSamples: 80 });
      const [w, ...rest] = phaseWindows(c, split, phase);
      expect(rest).toEqual([]);
      expect(w.pools.train).toBe(split.train);
      expect(w.pools.valid).toBe(split.valid);
      expect(w.pools.all).toEqual([...split.train, ...split.valid]);
      expect(w.plans).toEqual(schedule(c, phase));
    }
  });

  it('partitions each pool exactly once per epoch, each part sorted', () => {
    const c = cfg();
    for (const phase of ['search', 'train'] as const) {
      const windows = phaseWindows(c, split, phase);
      const epochs = phase === 'search' ? c.epochs : c.finalEpochs;
      for (let e = 0; e < epochs; e++) {
        // every window of the epoch has steps here (12-13 θ-steps an epoch over 3 windows)
        const mine = windows.filter((w) => w.plans[0].epoch === e);
        expect(mine).toHaveLength(3);
        for (const w of mine)
          for (const a of [w.pools.train, w.pools.valid, w.pools.all]) {
            // search windows' `all` (no step draws from it) is their train part then their valid part
            if (phase === 'train' || a !== w.pools.all) expect(a).toEqual(sorted(a));
          }
        if (phase === 'search') {
          expect(sorted(mine.flatMap((w) => w.pools.train))).toEqual(split.train);
          expect(sorted(mine.flatMap((w) => w.pools.valid))).toEqual(split.valid);
        } else {
          expect(sorted(mine.flatMap((w) => w.pools.all))).toEqual(sorted([...split.train, ...split.valid]));
          for (const w of mine) expect(w.pools.valid).toEqual([]);
        }
        for (const w of mine)
          expect(Math.abs(w.pools.train.length - (phase === 'search' ? 50 : 80) / 3)).toBeLessThan(1);
      }
    }
  });

  it('re-draws the windows each epoch, deterministically per seed', () => {
    const a = phaseWindows(cfg(), split, 'search');
    expect(phaseWindows(cfg(), split, 'search')).toEqual(a);
    expect(a[0].pools.train).not.toEqual(a[3].pools.train); // epoch 0 vs epoch 1
    expect(phaseWindows(cfg({ seed: 7 }), split, 'search')[0].pools.train).not.toEqual(a[0].pools.train);
  });

  it('assigns every step once, in schedule order, θ-steps in proportion to the window’s part', () => {
    for (const o of [{}, { warmupEpochs: 1 }, { exploreSteps: 0 }, { windowSamples: 7 }, { batchSize: 64 }]) {
      for (const phase of ['search', 'train'] as const) {
        const c = cfg(o);
        const windows = phaseWindows(c, split, phase);
        expect(windows.flatMap((w) => w.plans)).toEqual(schedule(c, phase));
        for (const w of windows) {
          expect(w.plans.length).toBeGreaterThan(0);
          // explore steps draw from a valid pool that is never empty
          if (w.plans.some((p) => p.kind === 'explore')) expect(w.pools.valid.length).toBeGreaterThan(0);
          // a window opens with a θ-step (its explore steps follow it)
          expect(['warmup', 'exploit']).toContain(w.plans[0].kind);
        }
      }
    }
  });

  it('fewer valid samples than windows: every window draws from the whole valid pool', () => {
    const small = { train: split.train, valid: [1, 3] };
    const windows = phaseWindows(cfg({ windowSamples: 10 }), small, 'search');
    for (const w of windows) expect(w.pools.valid).toEqual([1, 3]);
  });
});
