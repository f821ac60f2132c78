/**
 * The whole engine (search, final training, prediction) on the CPU, following the same schedule and random
 * streams as the GPU: the float64 oracle for tests, and with Float32Array the float32 CPU loop of the benchmark.
 */
import type { FeatureBank } from './bank.ts';
import { featureOffset } from './bank.ts';
import type { TrainConfig } from './config.ts';
import { roundRowsF16 } from './f16.ts';
import { type DenseParams, initHead } from './head-init.ts';
import { logitsFromProbs, policyProbs } from './methods.ts';
import {
  type AdamHyper,
  adamStep,
  alphaGrad,
  dense,
  denseBackInput,
  denseGrads,
  drawCandidate,
  drawSample,
  gumbelArgmax,
  gumbelSoftmax,
  logPriorAdjust,
  planContext,
  softmaxCE,
  sourceNoise,
  type Vec,
  type VecCtor,
} from './reference-math.ts';
import type { PoolName, StepPlan } from './schedule.ts';
import { type Phase, phaseWindows } from './windows.ts';

export interface RefLayer {
  R: number;
  Cin: number;
  w: Vec;
  b: Vec;
  mw: Vec;
  mb: Vec;
}

export class ReferenceTrainer {
  readonly C: number;
  /** The pools steps draw from: the whole phase's, or the current window's (src/train/windows.ts). */
  private pools: Record<PoolName, number[]>;
  private readonly hyper: AdamHyper;
  /** Added to the logits of the exploration loss: −log prior of D_train when the loss is class-balanced. */
  private readonly exploreAdjust?: Float64Array;
  /** The features the training gathers see: the bank's, or their f16 roundings (bankPrecision f16). */
  private readonly trainFeatures: Float32Array;

  constructor(
    readonly bank: FeatureBank,
    readonly cfg: TrainConfig,
    readonly Arr: VecCtor = Float64Array,
  ) {
    this.C = bank.classes.length;
    const { train, valid } = bank.split;
    this.pools = { train, valid, all: [...train, ...valid] };
    if (cfg.balancedExploration) this.exploreAdjust = logPriorAdjust(bank.labels, train, this.C);
    this.trainFeatures = cfg.bankPrecision === 'f16' ? roundRowsF16(bank.features, bank.D) : bank.features;
    this.hyper = {
      lr: cfg.lr,
      beta1: cfg.beta1,
      beta2: cfg.beta2,
      eps: cfg.eps,
      weightDecay: cfg.weightDecay,
    };
  }

  /**
   * A row as the engine's θ and α gathers read it: from the GPU's stored rows, so under bankPrecision f16
   * rounded to f16 (the engine rounds on the CPU too, so both see the same values bit for bit).
   */
  private trainRow(n: number, s: number, k: number): Float32Array {
    const o = featureOffset(this.bank, n, s, k);
    return this.trainFeatures.subarray(o, o + this.bank.D);
  }

  /**
   * A row as evaluation reads it: the exact f32 row whatever bankPrecision says (engine.predict uploads
   * the test rows from the bank's source, not from the f16 training rows).
   */
  private evalRow(n: number, s: number, k: number): Float32Array {
    const o = featureOffset(this.bank, n, s, k);
    return this.bank.features.subarray(o, o + this.bank.D);
  }

  newHead(label: string): RefLayer[] {
    const { D } = this.bank;
    return initHead(this.cfg.head, D, this.C, this.cfg.hidden, this.cfg.seed, label).map((p) => ({
      R: p.R,
      Cin: p.Cin,
      w: this.Arr.from(p.w),
      b: this.Arr.from(p.b),
      mw: new this.Arr(2 * p.w.length),
      mb: new this.Arr(2 * p.b.length),
    }));
  }

  /** Logits without the last bias, and the hidden activations (MLP). */
  forward(layers: RefLayer[], x: ArrayLike<number>, rows: number): { logits: Vec; hidden?: Vec } {
    const [l0, l1] = layers;
    const first = dense(x, l0.w, null, rows, l0.R, l0.Cin, this.Arr);
    if (!l1) return { logits: first };
    for (let i = 0; i < first.length; i++) first[i] = Math.max(0, first[i] + l0.b[i % l0.R]);
    return { logits: dense(first, l1.w, null, rows, l1.R, l1.Cin, this.Arr), hidden: first };
  }

  private hiddenGrad(layers: RefLayer[], hidden: Vec, dz: Vec, rows: number): Vec {
    const l1 = layers[1];
    const dh = denseBackInput(dz, l1.w, rows, l1.R, l1.Cin, this.Arr);
    for (let i = 0; i < dh.length; i++) if (!(hidden[i] > 0)) dh[i] = 0;
    return dh;
  }

  /** The batch of a θ step: per row a pool sample, its source by Gumbel-argmax, one candidate. */
  drawBatch(alpha: ArrayLike<number>, plan: StepPlan) {
    const { S, K, D } = this.bank;
    const B = this.cfg.batchSize;
    const ctx = planContext(plan, this.cfg.seed, S, K);
    const x = new this.Arr(B * D);
    const y = new Int32Array(B);
    const picks: [number, number, number][] = [];
    for (let j = 0; j < B; j++) {
      const n = drawSample(ctx, j, this.pools[plan.pool]);
      const label = this.bank.labels[n];
      const g = Array.from({ length: S }, (_, s) => sourceNoise(ctx, j, s));
      const s = gumbelArgmax(
        Array.from({ length: S }, (_, i) => alpha[label * S + i]),
        g,
      );
      const k = drawCandidate(ctx, j, s);
      x.set(this.trainRow(n, s, k), j * D);
      y[j] = label;
      picks.push([n, s, k]);
    }
    return { x, y, picks };
  }

  /** Mean cross-entropy of a batch under the head: what ∂L/∂θ differentiates. */
  batchLoss(layers: RefLayer[], x: ArrayLike<number>, y: ArrayLike<number>): number {
    const B = y.length;
    const fwd = this.forward(layers, x, B);
    return softmaxCE(fwd.logits, layers.at(-1)!.b, y, B, this.C, this.Arr).loss / B;
  }

  /** One θ step; returns the summed batch loss, the picks and the gradients (taken before the update). */
  exploit(layers: RefLayer[], alpha: ArrayLike<number>, plan: StepPlan) {
    const B = this.cfg.batchSize;
    const { x, y, picks } = this.drawBatch(alpha, plan);
    const fwd = this.forward(layers, x, B);
    const last = layers.at(-1)!;
    const { loss, dz } = softmaxCE(fwd.logits, last.b, y, B, this.C, this.Arr);
    const [l0, l1] = layers;
    const updates: [RefLayer, ArrayLike<number>, ArrayLike<number>][] = l1
      ? [
          [l1, dz, fwd.hidden!],
          [l0, this.hiddenGrad(layers, fwd.hidden!, dz, B), x],
        ]
      : [[l0, dz, x]];
    const grads = updates.map(([l, G, inp]) => denseGrads(G, inp, B, l.R, l.Cin, this.Arr)); // all before any update
    updates.forEach(([l], i) => {
      adamStep(l.w, grads[i].gw, l.mw, this.hyper, plan.bc1, plan.bc2);
      adamStep(l.b, grads[i].gb, l.mb, this.hyper, plan.bc1, plan.bc2);
    });
    return { loss, picks, grads };
  }

  /** The relaxed batch of an exploration step: per row, every source's candidate, z and the mixture x̂. */
  mixBatch(alpha: ArrayLike<number>, plan: StepPlan) {
    const { S, K, D } = this.bank;
    const B = this.cfg.batchSize;
    const ctx = planContext(plan, this.cfg.seed, S, K);
    const xs: Float32Array[][] = [];
    const xmix = new this.Arr(B * D);
    const z = new Float64Array(B * S);
    const y = new Int32Array(B);
    for (let j = 0; j < B; j++) {
      const n = drawSample(ctx, j, this.pools.valid);
      const label = this.bank.labels[n];
      const g = Array.from({ length: S }, (_, s) => sourceNoise(ctx, j, s));
      const zj = gumbelSoftmax(
        Array.from({ length: S }, (_, i) => alpha[label * S + i]),
        g,
        this.cfg.tau,
      );
      const rows = zj.map((_, s) => this.trainRow(n, s, drawCandidate(ctx, j, s)));
      xs.push(rows);
      for (let d = 0; d < D; d++) {
        let acc = 0;
        for (let s = 0; s < S; s++) acc += zj[s] * rows[s][d];
        xmix[j * D + d] = acc;
      }
      zj.forEach((v, s) => {
        z[j * S + s] = v;
      });
      y[j] = label;
    }
    return { xs, xmix, z, y };
  }

  /** Mean cross-entropy of an exploration batch as a function of α (θ fixed): what ∂L/∂a differentiates. */
  mixedLoss(layers: RefLayer[], alpha: ArrayLike<number>, plan: StepPlan): number {
    const { xmix, y } = this.mixBatch(alpha, plan);
    const fwd = this.forward(layers, xmix, this.cfg.batchSize);
    return (
      softmaxCE(fwd.logits, layers.at(-1)!.b, y, this.cfg.batchSize, this.C, this.Arr, this.exploreAdjust)
        .loss / this.cfg.batchSize
    );
  }

  /** One α step (θ fixed): relaxed mixture on D_valid, exact ∂L/∂a, SGD or sparse Adam on a. */
  explore(layers: RefLayer[], alpha: Vec, alphaState: { m: Float64Array; t: Int32Array }, plan: StepPlan) {
    const { S, D } = this.bank;
    const B = this.cfg.batchSize;
    const C = this.C;
    const { xs, xmix, z, y } = this.mixBatch(alpha, plan);
    const fwd = this.forward(layers, xmix, B);
    const { loss, dz } = softmaxCE(fwd.logits, layers.at(-1)!.b, y, B, C, this.Arr, this.exploreAdjust);
    const [l0, l1] = layers;
    const gIn = l1 ? this.hiddenGrad(layers, fwd.hidden!, dz, B) : dz;
    const gx = denseBackInput(gIn, l0.w, B, l0.R, l0.Cin, this.Arr);
    const dzs = new Float64Array(B * S);
    for (let j = 0; j < B; j++) {
      for (let s = 0; s < S; s++) {
        let acc = 0;
        for (let d = 0; d < D; d++) acc += gx[j * D + d] * xs[j][s][d];
        dzs[j * S + s] = acc;
      }
    }
    const { grad, present } = alphaGrad(z, dzs, y, B, C, S, this.cfg.tau);
    const { beta1, beta2, eps } = this.cfg;
    for (let c = 0; c < C; c++) {
      if (!present[c]) continue;
      for (let i = 0; i < S; i++) {
        const k = c * S + i;
        if (this.cfg.alphaOptimizer === 'sgd') {
          alpha[k] -= this.cfg.alphaLr * grad[k];
          continue;
        }
        const t = ++alphaState.t[k];
        const m = beta1 * alphaState.m[2 * k] + (1 - beta1) * grad[k];
        const v = beta2 * alphaState.m[2 * k + 1] + (1 - beta2) * grad[k] * grad[k];
        alphaState.m[2 * k] = m;
        alphaState.m[2 * k + 1] = v;
        alpha[k] -= (this.cfg.alphaLr * (m / (1 - beta1 ** t))) / (Math.sqrt(v / (1 - beta2 ** t)) + eps);
      }
    }
    return { loss, grad, z, dzs };
  }

  search() {
    const { S } = this.bank;
    const C = this.C;
    const alpha = new this.Arr(C * S);
    const alphaState = { m: new Float64Array(2 * C * S), t: new Int32Array(C * S) };
    const layers = this.newHead('search');
    const realOnly = logitsFromProbs([1, ...Array(S - 1).fill(0)], C, S);
    const history: number[][][] = [];
    const trainLoss = new Array<number>(this.cfg.epochs).fill(0);
    const validLoss = new Array<number>(this.cfg.epochs).fill(0);
    for (const plan of this.steps('search')) {
      if (plan.kind === 'warmup') trainLoss[plan.epoch] += this.exploit(layers, realOnly, plan).loss;
      else if (plan.kind === 'exploit') trainLoss[plan.epoch] += this.exploit(layers, alpha, plan).loss;
      else if (plan.kind === 'explore')
        validLoss[plan.epoch] += this.explore(layers, alpha, alphaState, plan).loss;
      else history.push(policyProbs(alpha, C, S));
    }
    return { alpha, history, trainLoss, validLoss, layers };
  }

  train(alpha: ArrayLike<number>) {
    const layers = this.newHead('final');
    const loss = new Array<number>(this.cfg.finalEpochs).fill(0);
    for (const plan of this.steps('train')) loss[plan.epoch] += this.exploit(layers, alpha, plan).loss;
    return { layers, loss };
  }

  predict(layers: RefLayer[], idx: number[] = this.bank.split.test): Int32Array {
    const { D } = this.bank;
    const x = new this.Arr(idx.length * D);
    for (const [r, n] of idx.entries()) x.set(this.evalRow(n, 0, 0), r * D);
    const { logits } = this.forward(layers, x, idx.length);
    const b = layers.at(-1)!.b;
    return Int32Array.from(idx, (_, r) => {
      let best = 0;
      for (let c = 1; c < this.C; c++)
        if (logits[r * this.C + c] + b[c] > logits[r * this.C + best] + b[best]) best = c;
      return best;
    });
  }

  /** The phase's steps, window by window: each step draws from its window's pools. */
  private *steps(phase: Phase): Generator<StepPlan> {
    for (const w of phaseWindows(this.cfg, this.bank.split, phase)) {
      this.pools = w.pools;
      yield* w.plans;
    }
  }

  get sizes() {
    return { train: this.bank.split.train.length, valid: this.bank.split.valid.length };
  }

  static params(layers: RefLayer[]): DenseParams[] {
    return layers.map((l) => ({ R: l.R, Cin: l.Cin, w: Float32Array.from(l.w), b: Float32Array.from(l.b) }));
  }
}
