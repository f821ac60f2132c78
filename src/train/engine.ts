/**
 * The training engine on our WGSL kernels: the bilevel policy search (θ exploitation + α exploration,
 * ALGORITHM §8), final training with a fixed policy (§9) and evaluation. A phase is a schedule of steps;
 * each step is a fixed list of prepared dispatches, encoded many steps per submit with their per-step
 * constants in a slab bound by dynamic offset. Nothing is read back until a phase ends. A phase runs
 * window by window (src/train/windows.ts): each window's pools (and, when the bank's rows exceed
 * residentBytes, its rows) go to the GPU for its steps only; the head, α and their optimiser state persist.
 */
import { CancelledError } from '../core/errors.ts';
import type { StageProgress } from '../core/progress.ts';
import { UNIFORM } from '../gpu/buffers.ts';
import type { Gpu } from '../gpu/device.ts';
import { alphaStepKernel, mixGradKernel, policyHistoryKernel } from '../gpu/kernels/alpha.wgsl.ts';
import { argmaxKernel } from '../gpu/kernels/argmax.wgsl.ts';
import { gatherKernelFor } from '../gpu/kernels/gather.wgsl.ts';
import { mixKernelFor } from '../gpu/kernels/mix.wgsl.ts';
import { softmaxCeKernel } from '../gpu/kernels/softmax-ce.wgsl.ts';
import { rowOf } from './bank.ts';
import { BankGpu, type Chunk } from './bank-gpu.ts';
import { rowSource, type TrainBank } from './bank-rows.ts';
import { BankRowsGpu, rowBytes, type UploadOptions } from './bank-rows-gpu.ts';
import type { TrainConfig } from './config.ts';
import { HeadGpu } from './head-gpu.ts';
import { type DenseParams, initHead } from './head-init.ts';
import { logitsFromProbs } from './methods.ts';
import { encodeOps, type Op, OpFactory } from './ops.ts';
import { logPriorAdjust } from './reference-math.ts';
import { lossSlots, type PoolName, type StepPlan } from './schedule.ts';
import { packStep, SLOT_BYTES } from './slots.ts';
import { phaseWindows, type SampleWindow } from './windows.ts';

/** Steps encoded per submit: big enough to amortise submission, small enough for timely progress/cancel. */
const STEPS_PER_SUBMIT = 256;
const MAX_S = 16; // mirrors MAX_S in mix.wgsl.ts

export interface EngineOptions {
  onProgress?: (p: StageProgress) => void;
  signal?: AbortSignal;
  /** Cap on a feature chunk's bytes (tests force several chunks with it). */
  chunkBytes?: number;
  /**
   * The bank's rows, already on this device (a run uploads them once for all its methods), stored with
   * the precision cfg.bankPrecision names.
   */
  rows?: BankRowsGpu;
  /**
   * GPU bytes the bank's training rows may take (default: no limit). Rows that fit are uploaded once and
   * serve every window (resident); otherwise each window uploads its own samples' rows and frees them
   * after its steps (streamed). Only memory differs: the results are the same bit for bit.
   */
  residentBytes?: number;
}

/** One window on the GPU: its pools (and streamed rows), and a factory for its per-window buffers. */
interface WindowGpu {
  bank: BankGpu;
  f: OpFactory;
}

export interface SearchOutcome {
  alpha: Float32Array;
  /** softmax(a) per epoch: [epochs][C][S]. */
  history: Float32Array;
  /** Mean θ loss on D_train and mean mixed loss on D_valid per search epoch (NaN in warm-up epochs). */
  trainLoss: number[];
  validLoss: number[];
}

export interface PhaseStats {
  steps: number;
  dispatches: number;
  seconds: number;
}

export class TrainEngine {
  readonly stats: Record<'search' | 'train', PhaseStats> = {
    search: { steps: 0, dispatches: 0, seconds: 0 },
    train: { steps: 0, dispatches: 0, seconds: 0 },
  };
  /** Dispatches per step kind (for the benchmark). */
  readonly dispatchesPerStep: Partial<Record<StepPlan['kind'] | 'final', number>> = {};
  private readonly f: OpFactory;
  private readonly slab: GPUBuffer;
  private readonly C: number;
  private readonly loss: GPUBuffer;
  /** Logit adjustments of the softmax-CE: none for θ steps; −log prior of D_train for a balanced α loss. */
  private readonly noAdjust: GPUBuffer;
  private readonly exploreAdjust: GPUBuffer;

  private constructor(
    readonly gpu: Gpu,
    readonly bank: TrainBank,
    readonly cfg: TrainConfig,
    private readonly opts: EngineOptions,
    /** The bank's rows for every window (resident); undefined: each window uploads its own (streamed). */
    readonly rows: BankRowsGpu | undefined,
    private readonly ownsRows: boolean,
  ) {
    this.C = bank.classes.length;
    this.slab = gpu.pool.acquire(STEPS_PER_SUBMIT * SLOT_BYTES, UNIFORM, 'train.slab');
    this.f = new OpFactory(gpu, this.slab);
    this.loss = this.zeros(lossSlots(cfg), 'train.loss');
    this.noAdjust = this.zeros(this.C, 'train.no-adjust');
    const { labels, split } = bank;
    this.exploreAdjust = cfg.balancedExploration
      ? this.f.buffer(4 * this.C, 'train.explore-adjust')
      : this.noAdjust;
    if (cfg.balancedExploration) {
      gpu.device.queue.writeBuffer(
        this.exploreAdjust,
        0,
        Float32Array.from(logPriorAdjust(labels, split.train, this.C)),
      );
    }
  }

  static async create(
    gpu: Gpu,
    bank: TrainBank,
    cfg: TrainConfig,
    opts: EngineOptions = {},
  ): Promise<TrainEngine> {
    gpu.assertAlive();
    if (bank.S > MAX_S)
      throw new RangeError(`at most ${MAX_S} sources are supported, the bank has ${bank.S}`);
    if (opts.rows && opts.rows.precision !== cfg.bankPrecision)
      throw new Error(
        `the shared bank rows are stored as ${opts.rows.precision}, the training settings ask for ` +
          `--bank-precision ${cfg.bankPrecision}: upload them with the settings' precision`,
      );
    if (opts.rows) return new TrainEngine(gpu, bank, cfg, opts, opts.rows, false);
    const bytes = BankRowsGpu.placedRows(bank) * rowBytes(bank.D, cfg.bankPrecision);
    if (bytes > (opts.residentBytes ?? Number.POSITIVE_INFINITY))
      return new TrainEngine(gpu, bank, cfg, opts, undefined, false);
    const rows = await BankRowsGpu.upload(gpu, bank, TrainEngine.uploadOptions(cfg, opts));
    return new TrainEngine(gpu, bank, cfg, opts, rows, true);
  }

  private static uploadOptions(cfg: TrainConfig, opts: EngineOptions): UploadOptions {
    return { precision: cfg.bankPrecision, chunkBytes: opts.chunkBytes };
  }

  private get sizes() {
    const { train, valid } = this.bank.split;
    return { train: train.length, valid: valid.length };
  }

  /** A window's pools on the GPU, over the resident rows or over its own samples' rows uploaded now. */
  private windowBank(w: SampleWindow): Promise<BankGpu> {
    // the final phase's windows have train = their part of `all` and valid = [], so their `all` is that part
    const sub = { ...this.bank, split: { train: w.pools.train, valid: w.pools.valid, test: [] } };
    return BankGpu.create(this.gpu, sub, this.rows, TrainEngine.uploadOptions(this.cfg, this.opts));
  }

  private zeros(count: number, label: string): GPUBuffer {
    const buf = this.f.buffer(4 * Math.max(1, count), label);
    this.gpu.device.queue.writeBuffer(buf, 0, new Float32Array(Math.max(1, count)));
    return buf;
  }

  private shape(w: WindowGpu, pool: PoolName, chunk?: Chunk) {
    const b = w.bank.bank;
    return w.f.shape({
      B: this.cfg.batchSize,
      D: b.D,
      C: this.C,
      S: b.S,
      K: b.K,
      nPool: w.bank.pools[pool].size,
      ...BankGpu.chunkShape(b, w.bank.rows.stride, chunk),
    });
  }

  /** Head forward on a batch, then softmax-CE (with the given logit adjustment) into dZ and the loss. */
  private async forwardLoss(
    w: WindowGpu,
    head: HeadGpu,
    x: GPUBuffer,
    y: GPUBuffer,
    adjust: GPUBuffer,
    pool: PoolName,
    label: string,
  ) {
    const B = this.cfg.batchSize;
    const fwd = await head.forward(x, B);
    const dz = w.f.buffer(4 * B * this.C, `${label}.dz`);
    const bufs = {
      logits: fwd.logits,
      bias: head.outputBias,
      adjust,
      y,
      dz,
      loss: this.loss,
      shape: this.shape(w, pool),
    };
    const ops = [...fwd.ops, await w.f.op(softmaxCeKernel, bufs, [1, 1, 1])];
    return { fwd, dz, ops };
  }

  /** θ step: gather (per chunk) → forward → softmax-CE → fused gradient + Adam (`head` on w's factory). */
  private async exploitOps(w: WindowGpu, pool: PoolName, head: HeadGpu, alpha: GPUBuffer): Promise<Op[]> {
    const B = this.cfg.batchSize;
    const { D } = this.bank;
    const x = w.f.buffer(4 * B * D, 'exploit.x');
    const y = w.f.buffer(4 * B, 'exploit.y');
    const picks = w.f.buffer(12 * B, 'exploit.picks');
    const ops: Op[] = [];
    for (const chunk of w.bank.chunks) {
      const bufs = {
        feats: chunk.buffer,
        table: w.bank.table,
        pool: w.bank.pools[pool].buffer,
        alpha,
        x,
        y,
        picks,
      };
      const kernel = gatherKernelFor(w.bank.rows.precision);
      ops.push(await w.f.op(kernel, { ...bufs, shape: this.shape(w, pool, chunk) }, [B, 1, 1]));
    }
    const { fwd, dz, ops: lossOps } = await this.forwardLoss(w, head, x, y, this.noAdjust, pool, 'exploit');
    ops.push(...lossOps);
    ops.push(...(await head.update(x, fwd, dz)));
    return ops;
  }

  /** α step: mix (per chunk) → forward on x̂ → softmax-CE → ∂L/∂x̂ → ∂L/∂z → Gumbel-softmax Jacobian + update. */
  private async exploreOps(
    w: WindowGpu,
    head: HeadGpu,
    alpha: GPUBuffer,
    alphaState: { am: GPUBuffer; at: GPUBuffer },
  ): Promise<Op[]> {
    const B = this.cfg.batchSize;
    const { D, S } = this.bank;
    const xs = w.f.buffer(4 * B * S * D, 'explore.xs');
    const xmix = w.f.buffer(4 * B * D, 'explore.xmix');
    const z = w.f.buffer(4 * B * S, 'explore.z');
    const y = w.f.buffer(4 * B, 'explore.y');
    const ops: Op[] = [];
    for (const chunk of w.bank.chunks) {
      const bufs = {
        feats: chunk.buffer,
        table: w.bank.table,
        pool: w.bank.pools.valid.buffer,
        alpha,
        xs,
        xmix,
        z,
        y,
      };
      const kernel = mixKernelFor(w.bank.rows.precision);
      ops.push(await w.f.op(kernel, { ...bufs, shape: this.shape(w, 'valid', chunk) }, [B, 1, 1]));
    }
    const {
      fwd,
      dz,
      ops: lossOps,
    } = await this.forwardLoss(w, head, xmix, y, this.exploreAdjust, 'valid', 'explore');
    ops.push(...lossOps);
    const gx = await head.inputGrad(fwd, dz);
    ops.push(...gx.ops);
    const dzs = w.f.buffer(4 * B * S, 'explore.dzs');
    ops.push(
      await w.f.op(mixGradKernel, { gx: gx.grad, xs, dzs, shape: this.shape(w, 'valid') }, [B * S, 1, 1]),
    );
    const alphaBufs = { alpha, am: alphaState.am, at: alphaState.at, z, dzs, y };
    ops.push(
      await w.f.op(
        alphaStepKernel,
        { ...alphaBufs, shape: this.shape(w, 'valid') },
        Math.ceil((this.C * S) / 64),
      ),
    );
    return ops;
  }

  private newHead(label: string): HeadGpu {
    const { D } = this.bank;
    return HeadGpu.create(this.f, initHead(this.cfg.head, D, this.C, this.cfg.hidden, this.cfg.seed, label));
  }

  /** Bilevel search from uniform logits; returns the learned logits and their per-epoch history. */
  async search(): Promise<SearchOutcome> {
    const { S } = this.bank;
    const C = this.C;
    const alpha = this.zeros(C * S, 'alpha');
    const alphaState = { am: this.zeros(2 * C * S, 'alpha.m'), at: this.zeros(C * S, 'alpha.t') };
    const history = this.zeros(this.cfg.epochs * C * S, 'alpha.history');
    const head = this.newHead('search');
    const realOnly = this.f.buffer(4 * C * S, 'alpha.real-only');
    this.gpu.device.queue.writeBuffer(realOnly, 0, logitsFromProbs([1, ...Array(S - 1).fill(0)], C, S));
    const windows = phaseWindows(this.cfg, this.bank.split, 'search');
    await this.runPhase('search', windows, async (w) => {
      const h = head.withFactory(w.f);
      const ops = {
        warmup: await this.exploitOps(w, 'train', h, realOnly),
        exploit: await this.exploitOps(w, 'train', h, alpha),
        explore: await this.exploreOps(w, h, alpha, alphaState),
        history: [
          await w.f.op(
            policyHistoryKernel,
            { alpha, history, shape: this.shape(w, 'valid') },
            Math.ceil(C / 64),
          ),
        ],
      };
      this.dispatchesPerStep.exploit = ops.exploit.length;
      this.dispatchesPerStep.explore = ops.explore.length;
      return (p) => ops[p.kind];
    });
    const losses = await this.gpu.readF32(this.loss, 2 * this.cfg.epochs);
    const { train, valid } = this.stepCounts();
    return {
      alpha: await this.gpu.readF32(alpha, C * S),
      history: await this.gpu.readF32(history, this.cfg.epochs * C * S),
      trainLoss: Array.from({ length: this.cfg.epochs }, (_, e) => losses[2 * e] / train),
      // No α step runs in a warm-up epoch: its validation loss is undefined (NaN).
      validLoss: Array.from({ length: this.cfg.epochs }, (_, e) =>
        e < this.cfg.warmupEpochs ? Number.NaN : losses[2 * e + 1] / valid,
      ),
    };
  }

  /** Rows seen per search epoch, to turn summed losses into means. */
  private stepCounts() {
    const B = this.cfg.batchSize;
    const n = Math.max(1, Math.ceil(this.sizes.train / B));
    return { train: n * B, valid: n * B * Math.max(1, this.cfg.exploreSteps) };
  }

  /** Final training of a fresh head on D_train ∪ D_valid, sources drawn from softmax(alpha). */
  async train(alphaLogits: Float32Array): Promise<{ head: HeadGpu; params: DenseParams[]; loss: number[] }> {
    const alpha = this.f.buffer(alphaLogits.byteLength, 'final.alpha');
    this.gpu.device.queue.writeBuffer(alpha, 0, alphaLogits);
    const head = this.newHead('final');
    await this.runPhase('train', phaseWindows(this.cfg, this.bank.split, 'train'), async (w) => {
      const exploit = await this.exploitOps(w, 'all', head.withFactory(w.f), alpha);
      this.dispatchesPerStep.final = exploit.length;
      return () => exploit;
    });
    const e = this.cfg.finalEpochs;
    const summed = await this.gpu.readF32(this.loss, e, 2 * this.cfg.epochs);
    const rows =
      Math.max(1, Math.ceil((this.sizes.train + this.sizes.valid) / this.cfg.batchSize)) * this.cfg.batchSize;
    return { head, params: await head.read(), loss: Array.from(summed, (v) => v / rows) };
  }

  /** Predicted class for every test sample (source 0, candidate 0), in blocks that fit a binding. */
  async predict(head: HeadGpu, rowsIdx: number[] = this.bank.split.test): Promise<Int32Array> {
    const bank = this.bank;
    const preds = new Int32Array(rowsIdx.length);
    const widest = Math.max(bank.D, this.cfg.hidden, this.C);
    const block = Math.max(
      1,
      Math.min(4096, Math.floor(this.gpu.limits.maxStorageBufferBindingSize / (4 * widest))),
    );
    const source = rowSource(bank);
    for (let at = 0; at < rowsIdx.length; at += block) {
      const idx = rowsIdx.slice(at, at + block);
      // the block's rows read from the bank's rows (a run's: from the store), not a copy of the bank, and
      // as f32 whatever bankPrecision says: f16 storage is for the training gathers only
      const x = await source.read(idx.map((n) => rowOf(bank, n, 0, 0)));
      const f = new OpFactory(this.gpu);
      const xb = f.buffer(x.byteLength, 'eval.x');
      this.gpu.device.queue.writeBuffer(xb, 0, x);
      const evalHead = head.withFactory(f);
      const fwd = await evalHead.forward(xb, idx.length);
      const pred = f.buffer(4 * idx.length, 'eval.pred');
      const ops = [
        ...fwd.ops,
        await f.op(
          argmaxKernel,
          {
            logits: fwd.logits,
            bias: head.outputBias,
            pred,
            shape: f.shape({ rows: idx.length, C: this.C }),
          },
          idx.length,
        ),
      ];
      const enc = this.gpu.device.createCommandEncoder({ label: 'predict' });
      const pass = enc.beginComputePass();
      encodeOps(pass, ops, 0);
      pass.end();
      this.gpu.device.queue.submit([enc.finish()]);
      preds.set(new Int32Array(await this.gpu.read(pred, 4 * idx.length)), at);
      f.release();
    }
    return preds;
  }

  /**
   * The phase's windows in turn: each window's pools (and streamed rows) on the GPU, its ops built by
   * `build`, its steps run, then its buffers freed once its work is done. Progress counts the whole phase.
   */
  private async runPhase(
    phase: 'search' | 'train',
    windows: SampleWindow[],
    build: (w: WindowGpu) => Promise<(p: StepPlan) => Op[]>,
  ): Promise<void> {
    const t0 = performance.now();
    const steps = (plans: StepPlan[]) => plans.filter((p) => p.kind !== 'history').length;
    const progress = { done: 0, total: windows.reduce((a, w) => a + steps(w.plans), 0) };
    for (const w of windows) {
      if (this.opts.signal?.aborted) throw new CancelledError(`${phase} cancelled`);
      const win = { bank: await this.windowBank(w), f: new OpFactory(this.gpu, this.slab) };
      try {
        await this.runSteps(phase, w.plans, await build(win), progress);
      } finally {
        win.f.release();
        win.bank.release();
      }
    }
    const { total } = progress;
    this.opts.onProgress?.({ type: 'stage', stage: phase, done: total, total, unit: 'steps' });
    this.stats[phase].seconds += (performance.now() - t0) / 1000;
  }

  /** One window's steps, STEPS_PER_SUBMIT a submit; returns once the GPU has done them. */
  private async runSteps(
    phase: 'search' | 'train',
    plans: StepPlan[],
    opsFor: (p: StepPlan) => Op[],
    progress: { done: number; total: number },
  ): Promise<void> {
    const device = this.gpu.device;
    const stats = this.stats[phase];
    let inflight: Promise<void> | undefined;
    for (let at = 0; at < plans.length; at += STEPS_PER_SUBMIT) {
      if (this.opts.signal?.aborted) throw new CancelledError(`${phase} cancelled`);
      this.gpu.assertAlive();
      const batch = plans.slice(at, at + STEPS_PER_SUBMIT);
      const slots = new ArrayBuffer(batch.length * SLOT_BYTES);
      for (const [i, p] of batch.entries()) packStep(slots, i * SLOT_BYTES, p, this.cfg, this.cfg.seed);
      device.queue.writeBuffer(this.slab, 0, slots);
      const enc = device.createCommandEncoder({ label: phase });
      const pass = enc.beginComputePass({ label: phase });
      batch.forEach((p, i) => {
        const ops = opsFor(p);
        encodeOps(pass, ops, i);
        stats.dispatches += ops.length;
      });
      pass.end();
      await inflight; // at most two submits queued: progress stays honest, cancel stays prompt
      device.queue.submit([enc.finish()]);
      inflight = device.queue.onSubmittedWorkDone();
      const steps = batch.filter((p) => p.kind !== 'history').length;
      stats.steps += steps;
      progress.done += steps;
      this.opts.onProgress?.({
        type: 'stage',
        stage: phase,
        done: Math.max(0, progress.done - steps),
        total: progress.total,
        unit: 'steps',
      });
    }
    await inflight;
  }

  release(): void {
    this.f.release();
    this.gpu.pool.release(this.slab);
    if (this.ownsRows) this.rows?.release();
  }
}
