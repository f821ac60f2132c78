/**
 * The same bilevel search (linear head, Adam on θ, sparse Adam on α, Gumbel-softmax mixture in feature
 * space) written with a general-purpose WebGPU library: TensorFlow.js with tfjs-backend-webgpu. Benchmark
 * only (devDependencies).
 *
 * Same schedule and the same random draws as our engine: the α-independent draws (sample, label, Gumbel
 * noise, candidates) come from the engine's counter-based generator on the CPU (bench/draws.ts) and are
 * uploaded each step as small tensors; everything that depends on α or θ runs on the GPU. Gradients are
 * hand-derived (fewest tfjs ops: fused matmul+bias, one softmax kernel) and θ uses tfjs's own Adam
 * optimizer. Nothing is read back until the run ends.
 */
import '@tensorflow/tfjs-backend-webgpu';
import * as tf from '@tensorflow/tfjs-core';
import type { FeatureBank } from '../src/train/bank.ts';
import type { TrainConfig } from '../src/train/config.ts';
import { initHead } from '../src/train/head-init.ts';
import { type PoolName, searchSchedule } from '../src/train/schedule.ts';
import { stepDraws } from './draws.ts';
import { type GpuCounts, since, snapshot } from './gpu-counters.ts';

export interface TfjsOutcome {
  alpha: Float32Array;
  trainLoss: number[];
  validLoss: number[];
  steps: number;
  seconds: number;
  /** Seconds until the loop had issued every step (JS + tfjs bookkeeping + encoding), before the final read. */
  hostSeconds: number;
  /** WebGPU calls during the loop (before the final read). */
  counts: GpuCounts;
  dispatchesPerStep: { exploit: number; explore: number };
}

/** tfjs-backend-webgpu flags a user might tune (e.g. WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE, default 15). */
export function setTfjsFlag(name: string, value: number | boolean): void {
  tf.env().set(name, value);
}

export async function tfjsWebgpuReady(): Promise<string> {
  const ok = await tf.setBackend('webgpu');
  if (!ok || tf.getBackend() !== 'webgpu') throw new Error('tfjs-backend-webgpu did not initialise');
  await tf.ready();
  const info = (tf.backend() as unknown as { adapterInfo?: { vendor?: string; architecture?: string } })
    .adapterInfo;
  return `tfjs ${tf.version_core}, webgpu backend (${info?.vendor ?? '?'} ${info?.architecture ?? ''})`.trim();
}

let runs = 0;

export class TfjsSearch {
  private readonly bankT: tf.Tensor2D;

  constructor(
    readonly bank: FeatureBank,
    readonly cfg: TrainConfig,
  ) {
    if (cfg.head !== 'linear') throw new Error('the tfjs benchmark path implements the linear head only');
    if (cfg.alphaOptimizer !== 'adam') throw new Error('the tfjs benchmark path implements Adam on α only');
    const { N, S, K, D } = bank;
    this.bankT = tf.tensor2d(bank.features, [N * S * K, D]);
  }

  /** Upload the bank and wait for it, so the first timed step does not pay for it. */
  async upload(): Promise<void> {
    await tf.tidy(() => tf.sum(tf.slice(this.bankT, [0, 0], [1, this.bank.D]))).data();
  }

  async run(cfg: TrainConfig = this.cfg): Promise<TfjsOutcome> {
    const bank = this.bank;
    const { S, D } = bank;
    const C = bank.classes.length;
    const B = cfg.batchSize;
    const { train, valid } = bank.split;
    const pools: Record<PoolName, number[]> = { train, valid, all: [...train, ...valid] };
    const [p0] = initHead('linear', D, C, cfg.hidden, cfg.seed, 'search');
    // W stored [D, C] (tfjs's own dense-layer layout): x·Wᵀ with transposeB and K ≥ 2000 takes tfjs 4.22's
    // MatMulSplitK vec4 path, which returns wrong numbers when C % 4 == 0 (see bench/RESULTS.md).
    const W = tf.variable(
      tf.tidy(() => tf.transpose(tf.tensor2d(p0.w, [C, D]))),
      true,
      `bench.W.${++runs}`,
    );
    const b = tf.variable(tf.tensor1d(p0.b), true, `bench.b.${runs}`);
    const opt = tf.train.adam(cfg.lr, cfg.beta1, cfg.beta2, cfg.eps);
    const alpha = tf.variable(tf.zeros([C, S]), false);
    const am = tf.variable(tf.zeros([C, S]), false);
    const av = tf.variable(tf.zeros([C, S]), false);
    const at = tf.variable(tf.zeros([C, 1]), false);
    const lossT = Array.from({ length: 2 * cfg.epochs }, () => tf.variable(tf.scalar(0), false));
    const history: tf.Tensor[] = [];
    const { beta1, beta2, eps, tau, alphaLr } = cfg;
    const perKind = { exploit: { steps: 0, dispatches: 0 }, explore: { steps: 0, dispatches: 0 } };

    /** −Σ_j log p_{j,y_j} added to a loss accumulator; returns dZ = (p − onehot)/B. */
    const ce = (x: tf.Tensor2D, oh: tf.Tensor2D, slot: number) => {
      const p = tf.softmax(tf.fused.matMul({ a: x, b: W, bias: b }));
      lossT[slot].assign(tf.sub(lossT[slot], tf.sum(tf.log(tf.sum(tf.mul(oh, p), 1)))));
      return tf.mul(tf.sub(p, oh), 1 / B) as tf.Tensor2D;
    };

    const before = snapshot();
    const t0 = performance.now();
    let steps = 0;
    for (const plan of searchSchedule(cfg, { train: train.length, valid: valid.length })) {
      if (plan.kind === 'warmup')
        throw new Error('the tfjs benchmark path does not implement warm-up epochs');
      if (plan.kind === 'history') {
        history.push(tf.softmax(alpha));
        continue;
      }
      const d = stepDraws(bank, cfg, plan, pools[plan.pool]);
      const mark = snapshot().dispatches;
      tf.tidy(() => {
        const y = tf.tensor1d(d.y, 'int32');
        const rows = tf.tensor2d(d.rows, [B, S], 'int32');
        const g = tf.tensor2d(d.g, [B, S]);
        const oh = tf.tensor2d(d.onehot, [B, C]);
        const ay = tf.gather(alpha, y);
        if (plan.kind === 'exploit') {
          // Source by Gumbel-argmax over a_y + g, then its candidate's feature row.
          const pick = tf.oneHot(tf.argMax(tf.add(ay, g), 1), S);
          const x = tf.gather(this.bankT, tf.sum(tf.mul(pick, rows), 1)) as tf.Tensor2D;
          const dz = ce(x, oh, plan.lossSlot);
          opt.applyGradients({ [W.name]: tf.matMul(x, dz, true, false), [b.name]: tf.sum(dz, 0) });
          return;
        }
        // Exploration: z = softmax((a_y + g)/τ), x̂ = Σ_s z_s φ_s, ∂L/∂a through the Gumbel-softmax Jacobian.
        const z = tf.softmax(tf.mul(tf.add(ay, g), 1 / tau)) as tf.Tensor2D;
        const xs = tf.reshape(tf.gather(this.bankT, tf.reshape(rows, [B * S])), [B, S, D]) as tf.Tensor3D;
        const xmix = tf.reshape(tf.matMul(tf.reshape(z, [B, 1, S]), xs), [B, D]) as tf.Tensor2D;
        const dz = ce(xmix, oh, plan.lossSlot);
        const gx = tf.matMul(dz, W, false, true);
        const dzs = tf.reshape(tf.matMul(xs, tf.reshape(gx, [B, D, 1])), [B, S]);
        const gj = tf.mul(tf.mul(z, tf.sub(dzs, tf.sum(tf.mul(dzs, z), 1, true))), 1 / tau);
        const grad = tf.matMul(oh, gj, true, false); // [C, S]: Σ over the rows of each class
        // Sparse Adam: only classes present in the batch move; each (c, s) keeps its own step count.
        const mask = tf.tensor2d(d.present, [C, 1]);
        const t = tf.add(at, mask);
        const m = tf.add(am, tf.mul(mask, tf.mul(tf.sub(grad, am), 1 - beta1)));
        const v = tf.add(av, tf.mul(mask, tf.mul(tf.sub(tf.square(grad), av), 1 - beta2)));
        const tt = tf.maximum(t, 1);
        const mhat = tf.div(m, tf.sub(1, tf.pow(tf.scalar(beta1), tt)));
        const vhat = tf.div(v, tf.sub(1, tf.pow(tf.scalar(beta2), tt)));
        const upd = tf.mul(mask, tf.div(mhat, tf.add(tf.sqrt(vhat), eps)));
        alpha.assign(tf.sub(alpha, tf.mul(upd, alphaLr)));
        at.assign(t);
        am.assign(m);
        av.assign(v);
      });
      perKind[plan.kind].steps++;
      perKind[plan.kind].dispatches += snapshot().dispatches - mark;
      steps++;
    }
    const counts = since(before);
    const hostSeconds = (performance.now() - t0) / 1000;
    const alphaOut = (await alpha.data()) as Float32Array;
    const losses = (await tf.stack(lossT).data()) as Float32Array;
    const seconds = (performance.now() - t0) / 1000;
    const n = Math.max(1, Math.ceil(train.length / B));
    const rowsTrain = n * B;
    const rowsValid = n * B * Math.max(1, cfg.exploreSteps);
    tf.dispose([W, b, alpha, am, av, at, ...lossT, ...history]);
    opt.dispose();
    return {
      alpha: Float32Array.from(alphaOut),
      trainLoss: Array.from({ length: cfg.epochs }, (_, e) => losses[2 * e] / rowsTrain),
      validLoss: Array.from({ length: cfg.epochs }, (_, e) => losses[2 * e + 1] / rowsValid),
      steps,
      seconds,
      hostSeconds,
      counts,
      dispatchesPerStep: {
        exploit: perKind.exploit.dispatches / Math.max(1, perKind.exploit.steps),
        explore: perKind.explore.dispatches / Math.max(1, perKind.explore.steps),
      },
    };
  }

  dispose(): void {
    this.bankT.dispose();
  }
}
