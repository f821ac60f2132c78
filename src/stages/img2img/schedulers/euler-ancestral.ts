/**
 * Euler ancestral (diffusers EulerAncestralDiscreteScheduler), epsilon prediction. σ_t =
 * √((1−ᾱt)/ᾱt), interpolated at the (possibly fractional) timesteps, with a final σ = 0.
 */
import { checkSteps, type Resolved, resolveConfig, type Scheduler, type SchedulerConfig } from './common.ts';

export class EulerAncestralScheduler implements Scheduler {
  readonly name: string = 'euler-ancestral';
  timesteps: number[];
  sigmas: number[];
  readonly initNoiseSigma: number;
  private readonly r: Resolved;

  constructor(
    config: SchedulerConfig,
    readonly steps: number,
  ) {
    this.r = resolveConfig(config, 'linspace');
    const { T, offset, spacing, alphasCumprod: ac } = this.r;
    checkSteps(steps, T);
    if (spacing === 'trailing') {
      const ratio = T / steps;
      this.timesteps = Array.from({ length: steps }, (_, k) => Math.round(T - k * ratio) - 1);
    } else if (spacing === 'leading') {
      const ratio = Math.floor(T / steps);
      this.timesteps = Array.from({ length: steps }, (_, k) => (steps - 1 - k) * ratio + offset);
    } else {
      this.timesteps = Array.from({ length: steps }, (_, k) =>
        steps === 1 ? 0 : ((T - 1) * (steps - 1 - k)) / (steps - 1),
      );
    }
    const sigma = (t: number) => Math.sqrt((1 - ac[t]) / ac[t]);
    const interp = (t: number) => {
      const lo = Math.max(0, Math.min(T - 1, Math.floor(t)));
      const hi = Math.min(T - 1, lo + 1);
      const f = t - lo;
      return sigma(lo) + f * (sigma(hi) - sigma(lo));
    };
    this.sigmas = [...this.timesteps.map(interp), 0];
    const max = Math.max(...this.sigmas);
    this.initNoiseSigma = spacing === 'leading' ? Math.sqrt(max * max + 1) : max;
  }

  startAt(skip: number): void {
    this.timesteps = this.timesteps.slice(skip);
    this.sigmas = this.sigmas.slice(skip);
  }

  scaleModelInput(x: Float32Array, i: number): Float32Array {
    const s = 1 / Math.sqrt(this.sigmas[i] ** 2 + 1);
    return x.map((v) => v * s);
  }

  addNoise(x0: Float32Array, noise: Float32Array, i: number): Float32Array {
    const s = this.sigmas[i];
    return x0.map((v, k) => v + s * noise[k]);
  }

  step(eps: Float32Array, i: number, x: Float32Array, noise: () => Float32Array): Float32Array {
    const from = this.sigmas[i];
    const to = this.sigmas[i + 1];
    const up = Math.sqrt((to * to * (from * from - to * to)) / (from * from));
    const down = Math.sqrt(to * to - up * up);
    // derivative (x − x0)/σ = ε, so x + ε·(σ_down − σ) + z·σ_up
    const dt = down - from;
    const z = up > 0 ? noise() : undefined;
    const out = new Float32Array(x.length);
    for (let k = 0; k < x.length; k++) out[k] = x[k] + eps[k] * dt + (z ? z[k] * up : 0);
    return out;
  }
}
