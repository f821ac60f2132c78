/**
 * Sample windows (a shuffle buffer, issue 14): a phase whose train+valid samples exceed
 * cfg.windowSamples draws, each epoch, from M = ceil(samples / windowSamples) windows in turn, each a
 * seeded part of every pool, so the GPU need hold only one window's feature rows. The windows depend on
 * the config only (never on memory), and both the engine and the reference follow them. A phase that fits
 * is one window with today's pools, so its results are exactly those of training without windows.
 */
import { Rng } from '../core/rng.ts';
import type { BankSplit } from './bank.ts';
import type { TrainConfig } from './config.ts';
import { finalSchedule, type PoolName, type StepPlan, searchSchedule } from './schedule.ts';

export type Phase = 'search' | 'train';

export interface SampleWindow {
  /** The pools its steps draw from, each sorted ascending (one window: the phase's pools as they are). */
  pools: Record<PoolName, number[]>;
  /** Its steps, in schedule order. */
  plans: StepPlan[];
}

type Split = Pick<BankSplit, 'train' | 'valid'>;

/** The samples either phase draws from: train ∪ valid. */
export const phaseSamples = (split: Split) => split.train.length + split.valid.length;

/** Whether the phase runs as one window over today's pools. */
export const fitsOneWindow = (cfg: TrainConfig, split: Split) => phaseSamples(split) <= cfg.windowSamples;

/** Contiguous near-equal parts of `a`: part m = [floor(m·L/M), floor((m+1)·L/M)). */
const partStart = (m: number, L: number, M: number) => Math.floor((m * L) / M);

/** The phase's steps (schedule.ts: the single source of the sequence), window by window. */
export function phaseWindows(cfg: TrainConfig, split: Split, phase: Phase): SampleWindow[] {
  const { train, valid } = split;
  const sizes = { train: train.length, valid: valid.length };
  const plans = [...(phase === 'search' ? searchSchedule(cfg, sizes) : finalSchedule(cfg, sizes))];
  const all = [...train, ...valid];
  if (fitsOneWindow(cfg, split)) return [{ pools: { train, valid, all }, plans }];
  const M = Math.ceil(phaseSamples(split) / cfg.windowSamples);
  const byEpoch = new Map<number, StepPlan[]>();
  for (const p of plans) {
    if (!byEpoch.has(p.epoch)) byEpoch.set(p.epoch, []);
    byEpoch.get(p.epoch)?.push(p);
  }
  const rng = new Rng(cfg.seed);
  const out: SampleWindow[] = [];
  for (const [epoch, steps] of byEpoch) {
    const permuted = (name: PoolName, pool: number[]) =>
      rng.fork(`window:${phase}:${epoch}:${name}`).shuffle([...pool]);
    const part = (a: number[], m: number) =>
      a.slice(partStart(m, a.length, M), partStart(m + 1, a.length, M)).sort((x, y) => x - y);
    // θ-steps follow the pool they draw from (train in the search, all in final training)
    const thetaPool = phase === 'search' ? permuted('train', train) : permuted('all', all);
    // fewer valid samples than windows: every window draws from the whole valid pool (no window is left
    // without one for its exploration steps)
    const validPool = phase === 'search' && valid.length >= M ? permuted('valid', valid) : undefined;
    const windows = Array.from({ length: M }, (_, m): SampleWindow => {
      const theta = part(thetaPool, m);
      if (phase === 'train') return { pools: { train: theta, valid: [], all: theta }, plans: [] };
      const v = validPool ? part(validPool, m) : [...valid].sort((x, y) => x - y);
      return { pools: { train: theta, valid: v, all: [...theta, ...v] }, plans: [] };
    });
    assignSteps(steps, windows, thetaPool.length);
    out.push(...windows.filter((w) => w.plans.length > 0));
  }
  return out;
}

/**
 * An epoch's steps to its M windows: window m gets the θ-steps i in [floor(n·c_m/L), floor(n·c_{m+1}/L))
 * (c_m: where its part of the θ pool starts, L: that pool's size), each with the exploration steps that
 * follow it; the epoch's history step (it reads α only) goes to the last window with θ-steps, so no
 * window is loaded for it alone.
 */
function assignSteps(steps: StepPlan[], windows: SampleWindow[], L: number): void {
  const M = windows.length;
  const n = steps.filter(isTheta).length;
  // an empty θ pool (a degenerate split) sends every step to the last window
  const bound = (m: number) => (L === 0 ? (m === M ? n : 0) : Math.floor((n * partStart(m, L, M)) / L));
  let m = 0;
  let i = -1;
  for (const p of steps) {
    if (isTheta(p)) {
      i++;
      while (i >= bound(m + 1)) m++;
    }
    windows[m].plans.push(p);
  }
}

const isTheta = (p: StepPlan) => p.kind === 'warmup' || p.kind === 'exploit';
