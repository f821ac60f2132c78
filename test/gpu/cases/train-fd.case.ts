/**
 * GPU gradients against central finite differences of the float64 loss (not just against the reference's
 * own derivation). ∂L/∂θ is read out of the fused Adam kernel by making Adam a plain gradient step
 * (t = 1, lr = ε = 1e6 ⇒ Δp = −g/(1 + |g|/ε) ≈ −g); ∂L/∂a by one SGD α step with lr 1 (Δa = −∂L/∂a).
 */
import { Rng } from '../../../src/core/rng.ts';
import { UNIFORM } from '../../../src/gpu/buffers.ts';
import type { Gpu } from '../../../src/gpu/device.ts';
import { alphaStepKernel, mixGradKernel } from '../../../src/gpu/kernels/alpha.wgsl.ts';
import { mixKernelFor } from '../../../src/gpu/kernels/mix.wgsl.ts';
import { softmaxCeKernel } from '../../../src/gpu/kernels/softmax-ce.wgsl.ts';
import { bankIndex } from '../../../src/train/bank.ts';
import { bankTable } from '../../../src/train/bank-gpu.ts';
import {
  type BankPrecision,
  type HeadKind,
  resolveTrainConfig,
  type TrainConfig,
} from '../../../src/train/config.ts';
import { f16RowWords, packRowsF16 } from '../../../src/train/f16.ts';
import { HeadGpu } from '../../../src/train/head-gpu.ts';
import { initHead } from '../../../src/train/head-init.ts';
import { encodeOps, type Op, OpFactory } from '../../../src/train/ops.ts';
import { ReferenceTrainer, type RefLayer } from '../../../src/train/reference.ts';
import { logPriorAdjust } from '../../../src/train/reference-math.ts';
import type { StepPlan } from '../../../src/train/schedule.ts';
import { packStep, SLOT_BYTES } from '../../../src/train/slots.ts';
import { kinkAwareDiff } from '../../support/finite-diff.ts';
import { randomBank } from '../../support/random-bank.ts';
import { assert, freshSeed, type GpuCase } from '../harness.ts';

function factory(gpu: Gpu, plan: StepPlan, cfg: TrainConfig): OpFactory {
  const slab = gpu.pool.acquire(SLOT_BYTES, UNIFORM, 'fd.slab');
  const bytes = new ArrayBuffer(SLOT_BYTES);
  packStep(bytes, 0, plan, cfg, cfg.seed);
  gpu.device.queue.writeBuffer(slab, 0, bytes);
  return new OpFactory(gpu, slab);
}

function submit(gpu: Gpu, ops: Op[]) {
  const enc = gpu.device.createCommandEncoder();
  const pass = enc.beginComputePass();
  encodeOps(pass, ops, 0);
  pass.end();
  gpu.device.queue.submit([enc.finish()]);
}

function put(f: OpFactory, data: Float32Array | Uint32Array): GPUBuffer {
  const b = f.buffer(data.byteLength, 'fd');
  f.gpu.device.queue.writeBuffer(b, 0, data);
  return b;
}

/** The checks' tolerance is 2e-5 + 2e-3·|FD|: a kink may cost the central difference at most 2e-5. */
const diff = (f: () => number, set: (v: number) => void, at: number) =>
  kinkAwareDiff(f, set, at, { agree: 4e-5 });

function refLayers(kind: HeadKind, cfg: TrainConfig, D: number, C: number): RefLayer[] {
  return initHead(kind, D, C, cfg.hidden, cfg.seed, 'fd').map((p) => ({
    R: p.R,
    Cin: p.Cin,
    w: Float64Array.from(p.w),
    b: Float64Array.from(p.b),
    mw: new Float64Array(2 * p.w.length),
    mb: new Float64Array(2 * p.b.length),
  }));
}

const plan: StepPlan = {
  kind: 'explore',
  pool: 'valid',
  stream: 7,
  t: 1,
  bc1: 0.1,
  bc2: 0.001,
  lossSlot: 0,
  epoch: 0,
};

async function thetaCase(gpu: Gpu, log: (m: string) => void, head: HeadKind) {
  const seed = freshSeed();
  const rng = new Rng(seed);
  const [B, D, C] = [8, 12, 5];
  const cfg = resolveTrainConfig({ head, hidden: 6, batchSize: B, seed, lr: 1e6, eps: 1e6 });
  const f = factory(gpu, { ...plan, kind: 'exploit', bc1: 1 - cfg.beta1, bc2: 1 - cfg.beta2 }, cfg);
  const params = initHead(head, D, C, cfg.hidden, seed, 'fd');
  const x = Float32Array.from({ length: B * D }, () => rng.normal());
  const y = Uint32Array.from({ length: B }, () => rng.int(C));
  const gpuHead = HeadGpu.create(f, params);
  const xb = put(f, x);
  const fwd = await gpuHead.forward(xb, B);
  const dz = f.buffer(4 * B * C, 'fd.dz');
  const loss = put(f, new Float32Array(1));
  const ce = await f.op(
    softmaxCeKernel,
    {
      logits: fwd.logits,
      bias: gpuHead.outputBias,
      adjust: put(f, new Float32Array(C)),
      y: put(f, y),
      dz,
      loss,
      shape: f.shape({ B, C }),
    },
    [1, 1, 1],
  );
  submit(gpu, [...fwd.ops, ce, ...(await gpuHead.update(xb, fwd, dz))]);
  const after = await gpuHead.read();
  const ref = new ReferenceTrainer(randomBank(seed, { D, C }), cfg);
  const layers = refLayers(head, cfg, D, C);
  let checked = 0;
  let onKink = 0;
  let worst = 0;
  layers.forEach((l, li) => {
    for (const [name, arr, got] of [
      ['W', l.w, after[li].w],
      ['b', l.b, after[li].b],
    ] as const) {
      for (let i = 0; i < arr.length; i++) {
        const numeric = diff(
          () => ref.batchLoss(layers, x, y),
          (v) => {
            arr[i] = v;
          },
          arr[i],
        );
        if (numeric === null) {
          onKink++;
          continue;
        }
        const gpuGrad = params[li][name === 'W' ? 'w' : 'b'][i] - got[i];
        const err = Math.abs(gpuGrad - numeric);
        assert(
          err <= 2e-5 + 2e-3 * Math.abs(numeric),
          `seed ${seed} ${head} layer ${li} ${name}[${i}]: GPU ${gpuGrad} vs finite difference ${numeric}`,
        );
        worst = Math.max(worst, err);
        checked++;
      }
    }
  });
  assert(onKink <= 2, `seed ${seed}: ${onKink} parameters on a ReLU kink: the check would be too thin`);
  log(
    `seed ${seed}: ${checked} parameters (${onKink} on a ReLU kink, skipped), worst |GPU − FD| ${worst.toExponential(2)}`,
  );
  f.release();
}

async function alphaCase(gpu: Gpu, log: (m: string) => void, head: HeadKind, precision: BankPrecision) {
  const seed = freshSeed();
  const rng = new Rng(seed);
  // f16 rows on an odd width: each row ends in a half-padding word
  const bank = randomBank(seed, { N: 40, S: 3, K: 2, D: precision === 'f16' ? 11 : 10, C: 4 });
  const B = 12;
  const cfg = resolveTrainConfig({
    head,
    hidden: 6,
    batchSize: B,
    seed,
    balancedExploration: true, // the FD also checks the logit-adjusted loss
    alphaOptimizer: 'sgd',
    alphaLr: 1,
    tau: 0.9,
    bankPrecision: precision, // the reference's mixture reads the same (f16-rounded) rows
  });
  const f = factory(gpu, plan, cfg);
  const alpha = Float32Array.from({ length: 4 * 3 }, () => rng.normal());
  const gpuHead = HeadGpu.create(f, initHead(head, bank.D, 4, cfg.hidden, seed, 'fd'));
  const [xs, xmix, z, y] = [
    f.buffer(4 * B * 3 * bank.D, 'xs'),
    f.buffer(4 * B * bank.D, 'xmix'),
    f.buffer(4 * B * 3, 'z'),
    f.buffer(4 * B, 'y'),
  ];
  const alphaBuf = put(f, alpha);
  const shape = f.shape({
    B,
    D: bank.D,
    C: 4,
    S: 3,
    K: 2,
    nPool: bank.split.valid.length,
    chunkStart: 0,
    chunkEnd: bank.N,
    N: bank.N,
    stride: precision === 'f16' ? f16RowWords(bank.D) : bank.D,
  });
  const feats =
    precision === 'f16' ? packRowsF16(bank.features, bank.features.length / bank.D, bank.D) : bank.features;
  const mix = await f.op(
    mixKernelFor(precision),
    {
      feats: put(f, feats),
      table: put(f, bankTable(bank.labels, bankIndex(bank))),
      pool: put(f, Uint32Array.from(bank.split.valid)),
      alpha: alphaBuf,
      xs,
      xmix,
      z,
      y,
      shape,
    },
    [B, 1, 1],
  );
  const fwd = await gpuHead.forward(xmix, B);
  const dz = f.buffer(4 * B * 4, 'dz');
  const ce = await f.op(
    softmaxCeKernel,
    {
      logits: fwd.logits,
      bias: gpuHead.outputBias,
      adjust: put(f, Float32Array.from(logPriorAdjust(bank.labels, bank.split.train, 4))),
      y,
      dz,
      loss: put(f, new Float32Array(1)),
      shape,
    },
    [1, 1, 1],
  );
  const gx = await gpuHead.inputGrad(fwd, dz);
  const dzs = f.buffer(4 * B * 3, 'dzs');
  const mg = await f.op(mixGradKernel, { gx: gx.grad, xs, dzs, shape }, [B * 3, 1, 1]);
  const step = await f.op(
    alphaStepKernel,
    { alpha: alphaBuf, am: f.buffer(4 * 24, 'am'), at: put(f, new Uint32Array(12)), z, dzs, y, shape },
    1,
  );
  submit(gpu, [mix, ...fwd.ops, ce, ...gx.ops, mg, step]);
  const after = await gpu.readF32(alphaBuf, 12);
  const ref = new ReferenceTrainer(bank, cfg);
  const layers = refLayers(head, cfg, bank.D, 4);
  const a = Float64Array.from(alpha);
  let worst = 0;
  let moved = 0;
  let onKink = 0;
  for (let k = 0; k < a.length; k++) {
    const numeric = diff(
      () => ref.mixedLoss(layers, a, plan),
      (v) => {
        a[k] = v;
      },
      a[k],
    );
    if (numeric === null) {
      onKink++;
      continue;
    }
    const gpuGrad = alpha[k] - after[k];
    const err = Math.abs(gpuGrad - numeric);
    assert(
      err <= 2e-5 + 2e-3 * Math.abs(numeric),
      `seed ${seed} ${head} ${precision} ∂L/∂a[${k}]: GPU ${gpuGrad} vs finite difference ${numeric}`,
    );
    worst = Math.max(worst, err);
    if (Math.abs(numeric) > 1e-6) moved++;
  }
  assert(moved > 0, 'the loss does not depend on a: the check would be vacuous');
  assert(onKink <= 2, `seed ${seed}: ${onKink} logits on a ReLU kink: the check would be too thin`);
  log(
    `seed ${seed} ${precision}: 12 logits (${moved} with a gradient, ${onKink} on a ReLU kink), worst |GPU − FD| ${worst.toExponential(2)}`,
  );
  f.release();
}

export const trainFdCases: GpuCase[] = (['linear', 'mlp'] as const).flatMap((head) => [
  {
    name: `GPU ∂L/∂θ (${head} head) matches finite differences of the float64 loss`,
    run: (g: Gpu, l: (m: string) => void) => thetaCase(g, l, head),
  },
  ...(['f32', 'f16'] as const).map((precision) => ({
    name: `GPU ∂L/∂a (${head} head, through the mixture, ${precision} rows) matches finite differences`,
    run: (g: Gpu, l: (m: string) => void) => alphaCase(g, l, head, precision),
  })),
]);
