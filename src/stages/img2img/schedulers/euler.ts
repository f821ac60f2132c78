/**
 * Euler (diffusers EulerDiscreteScheduler with s_churn = 0, SD-Turbo's configured scheduler):
 * Euler ancestral's σ schedule, scaling and noising, but a deterministic step x + ε·(σ_next − σ).
 */
import { EulerAncestralScheduler } from './euler-ancestral.ts';

export class EulerScheduler extends EulerAncestralScheduler {
  override readonly name: string = 'euler';

  override step(eps: Float32Array, i: number, x: Float32Array): Float32Array {
    const dt = this.sigmas[i + 1] - this.sigmas[i];
    const out = new Float32Array(x.length);
    for (let k = 0; k < x.length; k++) out[k] = x[k] + eps[k] * dt;
    return out;
  }
}
