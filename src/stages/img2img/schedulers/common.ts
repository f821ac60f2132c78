/**
 * What every scheduler shares: the diffusers scheduler_config.json fields we honour, the β schedule
 * (scaled_linear / linear), ᾱ = cumprod(1 − β), and the interface the img2img loop drives.
 * Everything is float64; latents are float32 arrays updated element by element.
 */
import { ConfigError } from '../../../core/errors.ts';

export type Spacing = 'leading' | 'trailing' | 'linspace';

/** The subset of diffusers' scheduler_config.json that SD v1.x / SD-Turbo use. */
export interface SchedulerConfig {
  _class_name?: string;
  num_train_timesteps?: number;
  beta_start?: number;
  beta_end?: number;
  beta_schedule?: string;
  steps_offset?: number;
  set_alpha_to_one?: boolean;
  skip_prk_steps?: boolean;
  clip_sample?: boolean;
  prediction_type?: string;
  timestep_spacing?: Spacing;
}

export interface Scheduler {
  readonly name: string;
  /** Timesteps of this run, first to last (may be fractional for Euler with 'linspace'). */
  readonly timesteps: readonly number[];
  /** Multiplier of unit noise when a run starts from pure noise. */
  readonly initNoiseSigma: number;
  /** Drop the first `skip` timesteps (img2img); the scheduler's state follows. */
  startAt(skip: number): void;
  /** Model input for step `i` (Euler divides by √(σ²+1); the others return `x`). */
  scaleModelInput(x: Float32Array, i: number): Float32Array;
  /** Noise `x0` to the level of step `i`: what the loop starts from. */
  addNoise(x0: Float32Array, noise: Float32Array, i: number): Float32Array;
  /** One denoising step from the noise prediction at step `i`; `noise` is drawn only if needed. */
  step(eps: Float32Array, i: number, x: Float32Array, noise: () => Float32Array): Float32Array;
}

export interface Resolved {
  T: number;
  offset: number;
  alphasCumprod: Float64Array;
  spacing: Spacing;
  setAlphaToOne: boolean;
}

export function resolveConfig(c: SchedulerConfig, defaultSpacing: Spacing = 'leading'): Resolved {
  const T = c.num_train_timesteps ?? 1000;
  const pred = c.prediction_type ?? 'epsilon';
  if (pred !== 'epsilon') {
    throw new ConfigError(`scheduler: prediction_type '${pred}' is not supported; use an epsilon model.`);
  }
  if (c.clip_sample) throw new ConfigError('scheduler: clip_sample=true is not supported (SD uses false).');
  return {
    T,
    offset: c.steps_offset ?? 0,
    alphasCumprod: alphasCumprod(c),
    spacing: c.timestep_spacing ?? defaultSpacing,
    setAlphaToOne: c.set_alpha_to_one ?? true,
  };
}

/** ᾱ_t = Π_{s≤t}(1 − β_s); scaled_linear: β = linspace(√β0, √β1, T)² (diffusers). */
export function alphasCumprod(c: SchedulerConfig): Float64Array {
  const T = c.num_train_timesteps ?? 1000;
  const b0 = c.beta_start ?? 0.0001;
  const b1 = c.beta_end ?? 0.02;
  const kind = c.beta_schedule ?? 'linear';
  const out = new Float64Array(T);
  let acc = 1;
  for (let i = 0; i < T; i++) {
    const f = T === 1 ? 0 : i / (T - 1);
    let beta: number;
    if (kind === 'scaled_linear') beta = (Math.sqrt(b0) + f * (Math.sqrt(b1) - Math.sqrt(b0))) ** 2;
    else if (kind === 'linear') beta = b0 + f * (b1 - b0);
    else
      throw new ConfigError(`scheduler: beta_schedule '${kind}' is not supported (scaled_linear, linear).`);
    acc *= 1 - beta;
    out[i] = acc;
  }
  return out;
}

/** diffusers' 'leading' spacing: (arange(N)·(T//N))[::-1] + offset. */
export function leadingTimesteps(T: number, N: number, offset: number): number[] {
  const ratio = Math.floor(T / N);
  return Array.from({ length: N }, (_, k) => (N - 1 - k) * ratio + offset);
}

/** img2img (diffusers get_timesteps): how many leading timesteps `strength` skips. */
export function img2imgSkip(steps: number, strength: number): number {
  if (!(strength >= 0 && strength <= 1))
    throw new ConfigError(`strength must be in [0, 1], got ${strength}.`);
  const init = Math.min(Math.trunc(steps * strength), steps);
  return Math.max(steps - init, 0);
}

export function checkSteps(steps: number, T: number): void {
  if (!Number.isInteger(steps) || steps < 1 || steps > T) {
    throw new ConfigError(`scheduler: steps must be an integer in 1..${T}, got ${steps}.`);
  }
}

/** a·x + b·y, element-wise, into a new array. */
export function axpby(a: number, x: Float32Array, b: number, y: Float32Array): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = a * x[i] + b * y[i];
  return out;
}
