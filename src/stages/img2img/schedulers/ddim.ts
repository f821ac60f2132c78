/** DDIM (diffusers DDIMScheduler), epsilon prediction, η ≥ 0; 'leading' or 'trailing' spacing. */
import { ConfigError } from '../../../core/errors.ts';
import {
  axpby,
  checkSteps,
  leadingTimesteps,
  type Resolved,
  resolveConfig,
  type Scheduler,
  type SchedulerConfig,
} from './common.ts';

export class DdimScheduler implements Scheduler {
  readonly name = 'ddim';
  timesteps: number[];
  readonly initNoiseSigma = 1;
  private readonly r: Resolved;
  private readonly final: number;

  constructor(
    config: SchedulerConfig,
    readonly steps: number,
    readonly eta = 0,
  ) {
    this.r = resolveConfig(config);
    const { T, offset, spacing } = this.r;
    checkSteps(steps, T);
    this.final = this.r.setAlphaToOne ? 1 : this.r.alphasCumprod[0];
    if (spacing === 'leading') this.timesteps = leadingTimesteps(T, steps, offset);
    else if (spacing === 'trailing') {
      const ratio = T / steps;
      this.timesteps = Array.from({ length: steps }, (_, k) => Math.round(T - k * ratio) - 1);
    } else throw new ConfigError(`DDIM: timestep_spacing '${spacing}' is not supported.`);
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

  step(eps: Float32Array, i: number, x: Float32Array, noise: () => Float32Array): Float32Array {
    const t = this.timesteps[i];
    const prev = t - Math.floor(this.r.T / this.steps);
    const aT = this.r.alphasCumprod[t];
    const aPrev = prev >= 0 ? this.r.alphasCumprod[prev] : this.final;
    const bT = 1 - aT;
    const variance = ((1 - aPrev) / bT) * (1 - aT / aPrev);
    const std = this.eta * Math.sqrt(variance);
    // x_prev = √ᾱprev·x0 + √(1−ᾱprev−σ²)·ε (+σ·z), x0 = (x − √(1−ᾱt)·ε)/√ᾱt
    const cx = Math.sqrt(aPrev) / Math.sqrt(aT);
    const ce = Math.sqrt(1 - aPrev - std * std) - (Math.sqrt(aPrev) * Math.sqrt(bT)) / Math.sqrt(aT);
    const out = axpby(cx, x, ce, eps);
    if (std > 0) {
      const z = noise();
      for (let k = 0; k < out.length; k++) out[k] += std * z[k];
    }
    return out;
  }
}
