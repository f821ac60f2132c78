/**
 * PNDM with skip_prk_steps (diffusers PNDMScheduler.step_plms): SD v1.4's default. Linear multistep
 * on the last four noise predictions; the second call repeats the first timestep (the "warm-up"
 * that averages ε over one step), which is why the timestep list has N + 1 entries.
 */
import { ConfigError } from '../../../core/errors.ts';
import {
  axpby,
  checkSteps,
  type Resolved,
  resolveConfig,
  type Scheduler,
  type SchedulerConfig,
} from './common.ts';

export class PndmScheduler implements Scheduler {
  readonly name = 'pndm';
  timesteps: number[];
  readonly initNoiseSigma = 1;
  private readonly r: Resolved;
  private readonly final: number;
  private readonly ratio: number;
  private ets: Float32Array[] = [];
  private counter = 0;
  private cur: Float32Array | undefined;

  constructor(
    config: SchedulerConfig,
    readonly steps: number,
  ) {
    if (config.skip_prk_steps === false) {
      throw new ConfigError('PNDM: only skip_prk_steps=true is supported (the SD v1.x configuration).');
    }
    this.r = resolveConfig(config);
    checkSteps(steps, this.r.T);
    this.final = this.r.setAlphaToOne ? 1 : this.r.alphasCumprod[0];
    this.ratio = Math.floor(this.r.T / steps);
    const ts = Array.from({ length: steps }, (_, k) => k * this.ratio + this.r.offset);
    // concat(ts[:-1], ts[-2:-1], ts[-1:])[::-1]
    this.timesteps = [...ts.slice(0, -1), ...ts.slice(-2, -1), ...ts.slice(-1)].reverse();
  }

  startAt(skip: number): void {
    this.timesteps = this.timesteps.slice(skip);
  }

  scaleModelInput(x: Float32Array): Float32Array {
    return x;
  }

  addNoise(x0: Float32Array, noise: Float32Array, i: number): Float32Array {
    const a = this.r.alphasCumprod[this.timesteps[i]];
    return axpby(Math.sqrt(a), x0, Math.sqrt(1 - a), noise);
  }

  step(eps: Float32Array, i: number, x: Float32Array): Float32Array {
    let t = this.timesteps[i];
    let prev = t - this.ratio;
    if (this.counter !== 1) {
      this.ets = this.ets.slice(-3);
      this.ets.push(eps);
    } else {
      prev = t;
      t += this.ratio;
    }
    const e = this.ets;
    const n = e.length;
    let mo = eps;
    let sample = x;
    if (n === 1 && this.counter === 0) this.cur = x;
    else if (n === 1 && this.counter === 1) {
      mo = axpby(0.5, eps, 0.5, e[0]);
      sample = this.cur ?? x;
      this.cur = undefined;
    } else if (n === 2) mo = axpby(1.5, e[1], -0.5, e[0]);
    else if (n === 3) mo = combine([23 / 12, -16 / 12, 5 / 12], [e[2], e[1], e[0]]);
    else mo = combine([55 / 24, -59 / 24, 37 / 24, -9 / 24], [e[3], e[2], e[1], e[0]]);
    this.counter++;
    return this.prevSample(sample, t, prev, mo);
  }

  private prevSample(x: Float32Array, t: number, prev: number, mo: Float32Array): Float32Array {
    const aT = this.r.alphasCumprod[t];
    const aPrev = prev >= 0 ? this.r.alphasCumprod[prev] : this.final;
    const coeff = Math.sqrt(aPrev / aT);
    const denom = aT * Math.sqrt(1 - aPrev) + Math.sqrt(aT * (1 - aT) * aPrev);
    return axpby(coeff, x, -(aPrev - aT) / denom, mo);
  }
}

function combine(w: number[], xs: Float32Array[]): Float32Array {
  const out = new Float32Array(xs[0].length);
  for (let k = 0; k < out.length; k++) {
    let s = 0;
    for (let j = 0; j < w.length; j++) s += w[j] * xs[j][k];
    out[k] = s;
  }
  return out;
}
