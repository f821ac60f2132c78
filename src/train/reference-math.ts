/**
 * The maths of one training step on the CPU, written plainly (float64 by default, or any array type for a
 * float32 CPU loop): the oracle every kernel is tested against. Random draws use the same counter-based
 * generator as the GPU (src/core/rng.ts), so the same step picks the same samples.
 */
import { uniformOpen } from '../core/rng.ts';
import type { StepPlan } from './schedule.ts';

export type Vec = Float64Array | Float32Array;
export type VecCtor = Float64ArrayConstructor | Float32ArrayConstructor;

export interface DrawContext {
  seed: number;
  stream: number;
  S: number;
  K: number;
}

const PURPOSE = { sample: 0, source: 1, candidate: 2 };

export function drawSample(ctx: DrawContext, j: number, pool: ArrayLike<number>): number {
  const u = uniformOpen(ctx.seed, ctx.stream * 4 + PURPOSE.sample, j);
  return pool[Math.min(Math.floor(Math.fround(u * pool.length)), pool.length - 1)];
}

export function drawCandidate(ctx: DrawContext, j: number, s: number): number {
  const u = uniformOpen(ctx.seed, ctx.stream * 4 + PURPOSE.candidate, j * ctx.S + s);
  return Math.min(Math.floor(Math.fround(u * ctx.K)), ctx.K - 1);
}

export function sourceNoise(ctx: DrawContext, j: number, s: number): number {
  return -Math.log(-Math.log(uniformOpen(ctx.seed, ctx.stream * 4 + PURPOSE.source, j * ctx.S + s)));
}

/** Gumbel-argmax over a_y + g (a draw from softmax(a_y)); first index wins ties, as on the GPU. */
export function gumbelArgmax(a: ArrayLike<number>, g: ArrayLike<number>): number {
  let best = 0;
  for (let s = 1; s < a.length; s++) if (a[s] + g[s] > a[best] + g[best]) best = s;
  return best;
}

/** Relaxed weights z = softmax((a + g)/τ). */
export function gumbelSoftmax(a: ArrayLike<number>, g: ArrayLike<number>, tau: number): number[] {
  const w = Array.from(a, (v, s) => (v + g[s]) / tau);
  const top = Math.max(...w);
  const e = w.map((v) => Math.exp(v - top));
  const sum = e.reduce((x, y) => x + y, 0);
  return e.map((v) => v / sum);
}

/** ∂z/∂a = (diag(z) − z zᵀ)/τ, as an S×S matrix J[s][i] = ∂z_s/∂a_i. */
export function gumbelSoftmaxJacobian(z: readonly number[], tau: number): number[][] {
  return z.map((zs, s) => z.map((zi, i) => (zs * ((s === i ? 1 : 0) - zi)) / tau));
}

/** Softmax cross-entropy of a batch: summed loss and dZ = (softmax − onehot)/B; `adjust` is added to the logits. */
export function softmaxCE(
  logits: ArrayLike<number>,
  bias: ArrayLike<number>,
  y: ArrayLike<number>,
  B: number,
  C: number,
  Arr: VecCtor = Float64Array,
  adjust?: ArrayLike<number>,
) {
  const dz = new Arr(B * C);
  const z = (r: number, c: number) => logits[r * C + c] + bias[c] + (adjust ? adjust[c] : 0);
  let loss = 0;
  for (let r = 0; r < B; r++) {
    let mx = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < C; c++) mx = Math.max(mx, z(r, c));
    let s = 0;
    for (let c = 0; c < C; c++) s += Math.exp(z(r, c) - mx);
    const lse = mx + Math.log(s);
    for (let c = 0; c < C; c++) dz[r * C + c] = (Math.exp(z(r, c) - lse) - (c === y[r] ? 1 : 0)) / B;
    loss += lse - z(r, y[r]);
  }
  return { loss, dz };
}

/** −log of each class's share of `pool` (the logit adjustment of a class-balanced loss). */
export function logPriorAdjust(labels: ArrayLike<number>, pool: readonly number[], C: number): Float64Array {
  const counts = new Float64Array(C);
  for (const n of pool) counts[labels[n]]++;
  return Float64Array.from(counts, (k) => -Math.log(Math.max(k, 1) / pool.length));
}

/** out[M][R] = x[M][Cin] · Wᵀ (+ b when given). */
export function dense(
  x: ArrayLike<number>,
  w: ArrayLike<number>,
  b: ArrayLike<number> | null,
  M: number,
  R: number,
  Cin: number,
  Arr: VecCtor = Float64Array,
): Vec {
  const out = new Arr(M * R);
  for (let m = 0; m < M; m++) {
    for (let r = 0; r < R; r++) {
      let acc = b ? b[r] : 0;
      for (let c = 0; c < Cin; c++) acc += x[m * Cin + c] * w[r * Cin + c];
      out[m * R + r] = acc;
    }
  }
  return out;
}

/** out[M][Cin] = g[M][R] · W (the gradient through a dense layer to its input). */
export function denseBackInput(
  g: ArrayLike<number>,
  w: ArrayLike<number>,
  M: number,
  R: number,
  Cin: number,
  Arr: VecCtor = Float64Array,
): Vec {
  const out = new Arr(M * Cin);
  for (let m = 0; m < M; m++)
    for (let r = 0; r < R; r++)
      for (let c = 0; c < Cin; c++) out[m * Cin + c] += g[m * R + r] * w[r * Cin + c];
  return out;
}

export interface AdamHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

/** In-place Adam step (PyTorch semantics, L2 decay added to the gradient); m, v interleaved like the GPU. */
export function adamStep(
  p: Vec,
  grad: ArrayLike<number>,
  mv: Vec,
  h: AdamHyper,
  bc1: number,
  bc2: number,
): void {
  for (let i = 0; i < p.length; i++) {
    const g = grad[i] + h.weightDecay * p[i];
    const m = h.beta1 * mv[2 * i] + (1 - h.beta1) * g;
    const v = h.beta2 * mv[2 * i + 1] + (1 - h.beta2) * g * g;
    mv[2 * i] = m;
    mv[2 * i + 1] = v;
    p[i] -= (h.lr * (m / bc1)) / (Math.sqrt(v / bc2) + h.eps);
  }
}

/** ∂W = Gᵀ·In and ∂b = column sums of G, for a dense layer (G: B×R, In: B×Cin). */
export function denseGrads(
  G: ArrayLike<number>,
  inp: ArrayLike<number>,
  B: number,
  R: number,
  Cin: number,
  Arr: VecCtor = Float64Array,
) {
  const gw = new Arr(R * Cin);
  const gb = new Arr(R);
  for (let j = 0; j < B; j++) {
    for (let r = 0; r < R; r++) {
      const g = G[j * R + r];
      gb[r] += g;
      for (let c = 0; c < Cin; c++) gw[r * Cin + c] += g * inp[j * Cin + c];
    }
  }
  return { gw, gb };
}

/**
 * ∂L/∂a for a batch: per class c, Σ over rows of that class of Σ_s ∂L/∂z_js · ∂z_js/∂a_ci. Returns the
 * gradient [C][S] and which classes were present (only those move).
 */
export function alphaGrad(
  z: ArrayLike<number>,
  dzs: ArrayLike<number>,
  y: ArrayLike<number>,
  B: number,
  C: number,
  S: number,
  tau: number,
) {
  const grad = new Float64Array(C * S);
  const present = new Array<boolean>(C).fill(false);
  for (let j = 0; j < B; j++) {
    const c = y[j];
    present[c] = true;
    const zj = Array.from({ length: S }, (_, s) => z[j * S + s]);
    const J = gumbelSoftmaxJacobian(zj, tau);
    for (let i = 0; i < S; i++) for (let s = 0; s < S; s++) grad[c * S + i] += dzs[j * S + s] * J[s][i];
  }
  return { grad, present };
}

export const planContext = (plan: StepPlan, seed: number, S: number, K: number): DrawContext => ({
  seed,
  stream: plan.stream,
  S,
  K,
});
