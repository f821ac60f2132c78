/**
 * Each training kernel alone against the float64 maths of src/train/reference-math.ts, on fresh random
 * inputs with outputs poisoned (NaN) before the run: softmax-CE, fused gradient + Adam, the exploitation
 * gather (Gumbel-argmax draws), the mixture (Gumbel-softmax), ∂L/∂z, the α step (Jacobian + SGD/Adam),
 * ReLU forward/backward, argmax and the policy history.
 */
import { Rng, uniformOpen } from '../../../src/core/rng.ts';
import { UNIFORM } from '../../../src/gpu/buffers.ts';
import type { Gpu } from '../../../src/gpu/device.ts';
import type { KernelSpec } from '../../../src/gpu/kernel.ts';
import { alphaStepKernel, mixGradKernel, policyHistoryKernel } from '../../../src/gpu/kernels/alpha.wgsl.ts';
import { argmaxKernel } from '../../../src/gpu/kernels/argmax.wgsl.ts';
import { gatherKernelFor } from '../../../src/gpu/kernels/gather.wgsl.ts';
import { GRAD_ADAM_WG, gradAdamFor, gradAdamInvocations } from '../../../src/gpu/kernels/grad-adam.wgsl.ts';
import { mixKernelFor } from '../../../src/gpu/kernels/mix.wgsl.ts';
import { RANDOM_WGSL } from '../../../src/gpu/kernels/random.wgsl.ts';
import { biasReluKernel, RELU_WG, reluMaskKernel } from '../../../src/gpu/kernels/relu.wgsl.ts';
import { softmaxCeKernel } from '../../../src/gpu/kernels/softmax-ce.wgsl.ts';
import { SHAPE_WGSL } from '../../../src/gpu/kernels/train-structs.wgsl.ts';
import { bankIndex, featureOffset } from '../../../src/train/bank.ts';
import { bankTable } from '../../../src/train/bank-gpu.ts';
import { type BankPrecision, resolveTrainConfig, type TrainConfig } from '../../../src/train/config.ts';
import { f16RowWords, packRowsF16, roundRowsF16 } from '../../../src/train/f16.ts';
import { NEVER, policyProbs } from '../../../src/train/methods.ts';
import { encodeOps, type Op, OpFactory } from '../../../src/train/ops.ts';
import {
  adamStep,
  alphaGrad,
  denseGrads,
  drawCandidate,
  drawSample,
  gumbelArgmax,
  gumbelSoftmax,
  softmaxCE,
  sourceNoise,
} from '../../../src/train/reference-math.ts';
import type { StepPlan } from '../../../src/train/schedule.ts';
import { packStep, SLOT_BYTES } from '../../../src/train/slots.ts';
import { randomBank } from '../../support/random-bank.ts';
import { assert, assertClose, freshSeed, type GpuCase } from '../harness.ts';

const poison = (n: number) => new Float32Array(n).fill(Number.NaN);

/** A factory with a one-slot step slab holding `plan` under `cfg`. */
function factory(gpu: Gpu, plan: Partial<StepPlan>, cfg: TrainConfig): OpFactory {
  const slab = gpu.pool.acquire(SLOT_BYTES, UNIFORM, 'test.slab');
  const full: StepPlan = {
    kind: 'exploit',
    pool: 'train',
    stream: 1,
    t: 1,
    bc1: 1,
    bc2: 1,
    lossSlot: 0,
    epoch: 0,
    ...plan,
  };
  const bytes = new ArrayBuffer(SLOT_BYTES);
  packStep(bytes, 0, full, cfg, cfg.seed);
  gpu.device.queue.writeBuffer(slab, 0, bytes);
  return new OpFactory(gpu, slab);
}

function run(gpu: Gpu, ops: Op[]): void {
  const enc = gpu.device.createCommandEncoder();
  const pass = enc.beginComputePass();
  encodeOps(pass, ops, 0);
  pass.end();
  gpu.device.queue.submit([enc.finish()]);
}

function put(f: OpFactory, data: Float32Array | Uint32Array | Int32Array, label = 'test'): GPUBuffer {
  const b = f.buffer(data.byteLength, label);
  f.gpu.device.queue.writeBuffer(b, 0, data);
  return b;
}

const normals = (rng: Rng, n: number, scale = 1) =>
  Float32Array.from({ length: n }, () => scale * rng.normal());

/**
 * Rows [rows][D] as the gathers' `feats` binding stores them under `precision`, the elements per row
 * (`shape.stride`), and the values the kernels must read back (f16: rounded on the CPU, read exactly).
 */
function stored(features: Float32Array, D: number, precision: BankPrecision) {
  if (precision === 'f32') return { feats: features, stride: D, values: features };
  const rows = features.length / D;
  return { feats: packRowsF16(features, rows, D), stride: f16RowWords(D), values: roundRowsF16(features, D) };
}

/** The precisions and row widths the gathers are checked on: f16 also with an odd D (half a padding word). */
const GATHER_LAYOUTS = (D: number): [BankPrecision, number][] => [
  ['f32', D],
  ['f16', D],
  ['f16', D + 1],
];

async function gradAdamCheck(gpu: Gpu, log: (m: string) => void, Cin: number): Promise<void> {
  const seed = freshSeed();
  const rng = new Rng(seed);
  const [B, R] = [9, 13];
  const cfg = resolveTrainConfig({ batchSize: B, seed, lr: 3e-3, weightDecay: 0.01 });
  const t = 3;
  const plan = { t, bc1: 1 - cfg.beta1 ** t, bc2: 1 - cfg.beta2 ** t };
  const f = factory(gpu, plan, cfg);
  const w = normals(rng, R * Cin);
  const b = normals(rng, R);
  const moments = (n: number) =>
    Float32Array.from({ length: 2 * n }, (_, i) =>
      i % 2 ? Math.abs(rng.normal()) * 0.01 : rng.normal() * 0.1,
    );
  const mw = moments(R * Cin);
  const mb = moments(R);
  const G = normals(rng, B * R, 0.1);
  const In = normals(rng, B * Cin);
  const bufs = {
    w: put(f, w),
    b: put(f, b),
    mw: put(f, mw),
    mb: put(f, mb),
    g: put(f, G),
    inp: put(f, In),
  };
  run(gpu, [
    await f.op(
      gradAdamFor(Cin),
      { ...bufs, shape: f.shape({ B, R, Cin }) },
      Math.ceil(gradAdamInvocations(R, Cin) / GRAD_ADAM_WG),
    ),
  ]);
  const { gw, gb } = denseGrads(G, In, B, R, Cin);
  const W64 = Float64Array.from(w);
  const b64 = Float64Array.from(b);
  const mw64 = Float64Array.from(mw);
  const mb64 = Float64Array.from(mb);
  const h = {
    lr: cfg.lr,
    beta1: cfg.beta1,
    beta2: cfg.beta2,
    eps: cfg.eps,
    weightDecay: cfg.weightDecay,
  };
  adamStep(W64, gw, mw64, h, plan.bc1, plan.bc2);
  adamStep(b64, gb, mb64, h, plan.bc1, plan.bc2);
  const e = assertClose(`seed ${seed} W`, await gpu.readF32(bufs.w, R * Cin), W64, {
    rtol: 1e-5,
    atol: 1e-6,
  });
  assertClose(`seed ${seed} b`, await gpu.readF32(bufs.b, R), b64, { rtol: 1e-5, atol: 1e-6 });
  assertClose(`seed ${seed} moments W`, await gpu.readF32(bufs.mw, 2 * R * Cin), mw64, {
    rtol: 1e-5,
    atol: 1e-7,
  });
  assertClose(`seed ${seed} moments b`, await gpu.readF32(bufs.mb, 2 * R), mb64, {
    rtol: 1e-5,
    atol: 1e-7,
  });
  log(`seed ${seed}, Cin ${Cin}: W rel err ${e.toExponential(2)}`);
  f.release();
}

async function gatherCheck(gpu: Gpu, log: (m: string) => void, precision: BankPrecision, D: number) {
  const seed = freshSeed();
  const rng = new Rng(seed);
  const bank = randomBank(seed, { N: 37, S: 4, K: 3, D, C: 5 });
  const B = 64;
  const cfg = resolveTrainConfig({ batchSize: B, seed });
  const plan = { stream: 1 + rng.int(1000) };
  const f = factory(gpu, plan, cfg);
  const alpha = Float32Array.from({ length: 5 * 4 }, (_, i) => (i % 7 === 3 ? NEVER : rng.normal()));
  const pool = bank.split.train;
  const x = put(f, poison(B * bank.D));
  const y = put(f, new Uint32Array(B).fill(999));
  const picks = put(f, new Uint32Array(3 * B).fill(999));
  const table = put(f, bankTable(bank.labels, bankIndex(bank)));
  const poolBuf = put(f, Uint32Array.from(pool));
  const alphaBuf = put(f, alpha);
  const rows = stored(bank.features, bank.D, precision);
  const ops: Op[] = [];
  for (const [start, end] of [
    [0, 20],
    [20, 37],
  ]) {
    const perSample = bank.S * bank.K * rows.stride;
    const feats = put(f, rows.feats.slice(start * perSample, end * perSample));
    const shape = f.shape({
      B,
      D: bank.D,
      C: 5,
      S: bank.S,
      K: bank.K,
      nPool: pool.length,
      chunkStart: start,
      chunkEnd: end,
      rowStart: start * bank.S * bank.K,
      N: bank.N,
      stride: rows.stride,
    });
    ops.push(
      await f.op(
        gatherKernelFor(precision),
        { feats, table, pool: poolBuf, alpha: alphaBuf, x, y, picks, shape },
        [B, 1, 1],
      ),
    );
  }
  run(gpu, ops);
  const gotPicks = new Uint32Array(await gpu.read(picks, 12 * B));
  const gotX = await gpu.readF32(x, B * bank.D);
  const gotY = new Uint32Array(await gpu.read(y, 4 * B));
  const ctx = { seed, stream: plan.stream, S: bank.S, K: bank.K };
  const sources = new Set<number>();
  const tag = `seed ${seed} ${precision} D ${D}`;
  for (let j = 0; j < B; j++) {
    const n = drawSample(ctx, j, pool);
    const label = bank.labels[n];
    const g = Array.from({ length: bank.S }, (_, s) => sourceNoise(ctx, j, s));
    const s = gumbelArgmax(
      Array.from({ length: bank.S }, (_, i) => alpha[label * bank.S + i]),
      g,
    );
    const k = drawCandidate(ctx, j, s);
    assert(
      gotPicks[3 * j] === n && gotPicks[3 * j + 1] === s && gotPicks[3 * j + 2] === k,
      `${tag} row ${j}: picks ${gotPicks.slice(3 * j, 3 * j + 3)} vs ${[n, s, k]}`,
    );
    assert(alpha[label * bank.S + s] !== NEVER, `row ${j} drew a source whose probability is 0`);
    assert(gotY[j] === label, `row ${j}: label ${gotY[j]} vs ${label}`);
    const o = featureOffset(bank, n, s, k);
    assertClose(
      `${tag} row ${j} features`,
      gotX.subarray(j * bank.D, (j + 1) * bank.D),
      rows.values.subarray(o, o + bank.D),
      { rtol: 0, atol: 0 },
    );
    sources.add(s);
  }
  assert(sources.size > 1, 'every row drew the same source');
  log(`${tag}: ${B} rows identical to the reference draws (${sources.size} sources seen)`);
  f.release();
}

async function mixCheck(gpu: Gpu, log: (m: string) => void, precision: BankPrecision, D: number) {
  const seed = freshSeed();
  const rng = new Rng(seed);
  const bank = randomBank(seed, { N: 30, S: 3, K: 2, D, C: 4 });
  const B = 16;
  const cfg = resolveTrainConfig({ batchSize: B, seed, tau: 0.7 });
  const plan = { stream: 1 + rng.int(1000) };
  const f = factory(gpu, plan, cfg);
  const alpha = normals(rng, 4 * 3);
  const pool = bank.split.valid;
  const rows = stored(bank.features, bank.D, precision);
  const bufs = {
    feats: put(f, rows.feats),
    table: put(f, bankTable(bank.labels, bankIndex(bank))),
    pool: put(f, Uint32Array.from(pool)),
    alpha: put(f, alpha),
    xs: put(f, poison(B * 3 * bank.D)),
    xmix: put(f, poison(B * bank.D)),
    z: put(f, poison(B * 3)),
    y: put(f, new Uint32Array(B)),
  };
  const shape = f.shape({
    B,
    D: bank.D,
    C: 4,
    S: 3,
    K: 2,
    nPool: pool.length,
    chunkStart: 0,
    chunkEnd: bank.N,
    N: bank.N,
    stride: rows.stride,
  });
  run(gpu, [await f.op(mixKernelFor(precision), { ...bufs, shape }, [B, 1, 1])]);
  const z = await gpu.readF32(bufs.z, B * 3);
  const xs = await gpu.readF32(bufs.xs, B * 3 * bank.D);
  const xmix = await gpu.readF32(bufs.xmix, B * bank.D);
  const ctx = { seed, stream: plan.stream, S: 3, K: 2 };
  const tag = `seed ${seed} ${precision} D ${D}`;
  let worst = 0;
  for (let j = 0; j < B; j++) {
    const n = drawSample(ctx, j, pool);
    const g = [0, 1, 2].map((s) => sourceNoise(ctx, j, s));
    const label = bank.labels[n];
    const zj = gumbelSoftmax(
      [0, 1, 2].map((i) => alpha[label * 3 + i]),
      g,
      cfg.tau,
    );
    worst = Math.max(
      worst,
      assertClose(`${tag} z row ${j}`, z.subarray(3 * j, 3 * j + 3), zj, {
        rtol: 1e-4,
        atol: 1e-6,
      }),
    );
    const want = new Float64Array(bank.D);
    for (let s = 0; s < 3; s++) {
      const o = featureOffset(bank, n, s, drawCandidate(ctx, j, s));
      const row = rows.values.subarray(o, o + bank.D);
      assertClose(
        `${tag} row ${j} source ${s}`,
        xs.subarray((3 * j + s) * bank.D, (3 * j + s + 1) * bank.D),
        row,
        { rtol: 0, atol: 0 },
      );
      for (let d = 0; d < bank.D; d++) want[d] += zj[s] * row[d];
    }
    assertClose(`${tag} x̂ row ${j}`, xmix.subarray(j * bank.D, (j + 1) * bank.D), want, {
      rtol: 1e-4,
      atol: 1e-5,
    });
  }
  log(`${tag}: z worst rel err ${worst.toExponential(2)}`);
  f.release();
}

/** The shared random functions alone: uniform_open for (seed, stream, index) and gumbel on the 2^23 grid. */
const randomProbe: KernelSpec = {
  label: 'test_random',
  workgroupSize: [64],
  structs: SHAPE_WGSL,
  bindings: [
    { name: 'grid', kind: 'read', type: 'array<u32>' },
    { name: 'u', kind: 'rw', type: 'array<f32>' },
    { name: 'g', kind: 'rw', type: 'array<f32>' },
    { name: 'shape', kind: 'uniform', type: 'Shape' },
  ],
  body: /* wgsl */ `
${RANDOM_WGSL}
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i < shape.rows) {
    u[i] = uniform_open(shape.R, shape.Cin, i);
    g[i] = gumbel((f32(grid[i]) + 0.5) / 8388608.0);
  }
}
`,
};

export const trainKernelCases: GpuCase[] = [
  {
    name: 'random draws: uniform_open equals the CPU bit for bit; Gumbel noise −log(−log u) matches float64 to f32 precision, tails included',
    async run(gpu, log) {
      const seed = freshSeed();
      const rng = new Rng(seed);
      const top = 2 ** 23;
      // both tails of the grid, the atanh branch's edge at u = 0.5, and random points
      const grid = Uint32Array.from([
        ...Array.from({ length: 512 }, (_, i) => i),
        ...Array.from({ length: 512 }, (_, i) => top - 1 - i),
        ...Array.from({ length: 256 }, (_, i) => top / 2 - 128 + i),
        ...Array.from({ length: 2816 }, () => rng.int(top)),
      ]);
      const rows = grid.length;
      const stream = rng.int(1 << 20);
      const f = factory(gpu, {}, resolveTrainConfig({ seed }));
      const [u, g] = [put(f, poison(rows)), put(f, poison(rows))];
      run(gpu, [
        await f.op(
          randomProbe,
          { grid: put(f, grid), u, g, shape: f.shape({ rows, R: seed, Cin: stream }) },
          Math.ceil(rows / 64),
        ),
      ]);
      const wantU = Float32Array.from({ length: rows }, (_, i) => uniformOpen(seed, stream, i));
      assertClose(`seed ${seed} uniform_open`, await gpu.readF32(u, rows), wantU, { rtol: 0, atol: 0 });
      const want = Float64Array.from(grid, (m) => -Math.log(-Math.log((m + 0.5) / top)));
      // g enters the logits as (a + g)/τ, so its absolute error is what counts; 2 ulp where |g| is large
      const got = await gpu.readF32(g, rows);
      assertClose(`seed ${seed} gumbel`, got, want, { rtol: 2.4e-7, atol: 1e-6 });
      const worst = want.reduce((w, v, i) => Math.max(w, Math.abs(got[i] - v)), 0);
      log(
        `seed ${seed}: ${rows} draws, gumbel worst |err| ${worst.toExponential(2)} (g ∈ [${want[0].toFixed(2)}, ${want[512].toFixed(2)}])`,
      );
      f.release();
    },
  },
  {
    name: 'softmax-CE kernel: loss and dZ = (softmax − onehot)/B match float64 (logit adjustment, C > workgroup size)',
    async run(gpu, log) {
      const seed = freshSeed();
      const rng = new Rng(seed);
      const B = 7;
      const C = 300;
      const cfg = resolveTrainConfig({ batchSize: B, seed });
      const f = factory(gpu, { lossSlot: 2 }, cfg);
      const logits = normals(rng, B * C, 4);
      const bias = normals(rng, C);
      const y = Uint32Array.from({ length: B }, () => rng.int(C));
      const adjust = normals(rng, C); // e.g. −log prior for the balanced exploration loss
      const loss = new Float32Array([0, 0, 1.5, 0]);
      const bufs = {
        logits: put(f, logits),
        bias: put(f, bias),
        adjust: put(f, adjust),
        y: put(f, y),
        dz: put(f, poison(B * C)),
        loss: put(f, loss),
      };
      run(gpu, [await f.op(softmaxCeKernel, { ...bufs, shape: f.shape({ B, C }) }, [1, 1, 1])]);
      const want = softmaxCE(logits, bias, y, B, C, Float64Array, adjust);
      const e = assertClose(`seed ${seed} dz`, await gpu.readF32(bufs.dz, B * C), want.dz, {
        rtol: 1e-5,
        atol: 1e-7,
      });
      const got = await gpu.readF32(bufs.loss, 4);
      assertClose(`seed ${seed} loss slot`, got, [0, 0, 1.5 + want.loss, 0], { rtol: 1e-5 });
      log(
        `seed ${seed}: dz rel err ${e.toExponential(2)}, loss ${got[2].toFixed(5)} vs ${(1.5 + want.loss).toFixed(5)}`,
      );
      f.release();
    },
  },
  {
    name: 'fused gradient + Adam kernel (scalar and vec4): ∂W = Gᵀ·In, ∂b = ΣG, Adam with bias correction and weight decay',
    async run(gpu, log) {
      for (const Cin of [70, 72]) await gradAdamCheck(gpu, log, Cin);
    },
  },
  {
    name: 'exploitation gather: same samples, Gumbel-argmax sources and candidates as the reference, across chunks (f32 and f16 rows)',
    async run(gpu, log) {
      for (const [precision, D] of GATHER_LAYOUTS(70)) await gatherCheck(gpu, log, precision, D);
    },
  },
  {
    name: 'exploration mixture: z = softmax((a + g)/τ) and x̂ = Σ z·φ match float64; every source row kept (f32 and f16 rows)',
    async run(gpu, log) {
      for (const [precision, D] of GATHER_LAYOUTS(90)) await mixCheck(gpu, log, precision, D);
    },
  },
  {
    name: '∂L/∂z kernel and α step (Gumbel-softmax Jacobian; SGD and sparse Adam) match float64; absent classes stay',
    async run(gpu, log) {
      const seed = freshSeed();
      const rng = new Rng(seed);
      const [B, C, S, D] = [12, 6, 3, 150];
      for (const optimizer of ['sgd', 'adam'] as const) {
        const cfg = resolveTrainConfig({
          batchSize: B,
          seed,
          alphaOptimizer: optimizer,
          alphaLr: 0.3,
          tau: 0.8,
        });
        const f = factory(gpu, {}, cfg);
        const gx = normals(rng, B * D);
        const xsData = normals(rng, B * S * D);
        const zRows = Array.from({ length: B }, () =>
          gumbelSoftmax(
            [0, 0, 0].map(() => rng.normal()),
            [0, 0, 0],
            1,
          ),
        );
        const z = Float32Array.from(zRows.flat());
        const y = Uint32Array.from({ length: B }, () => rng.int(C - 2)); // classes C-2, C-1 absent
        const alpha = normals(rng, C * S);
        const am = Float32Array.from({ length: 2 * C * S }, (_, i) =>
          i % 2 ? 0.01 * Math.abs(rng.normal()) : 0.1 * rng.normal(),
        );
        const at = Uint32Array.from({ length: C * S }, () => rng.int(5));
        const dzs = put(f, poison(B * S));
        const bufs = {
          alpha: put(f, alpha),
          am: put(f, am),
          at: put(f, at),
          z: put(f, z),
          dzs,
          y: put(f, y),
        };
        const shape = f.shape({ B, C, S, D });
        run(gpu, [
          await f.op(mixGradKernel, { gx: put(f, gx), xs: put(f, xsData), dzs, shape }, [B * S, 1, 1]),
          await f.op(alphaStepKernel, { ...bufs, shape }, Math.ceil((C * S) / 64)),
        ]);
        const wantDzs = new Float64Array(B * S);
        const magDzs = new Float64Array(B * S); // Σ|terms|: the scale of fp32 summation error
        for (let j = 0; j < B; j++)
          for (let s = 0; s < S; s++)
            for (let d = 0; d < D; d++) {
              wantDzs[j * S + s] += gx[j * D + d] * xsData[(j * S + s) * D + d];
              magDzs[j * S + s] += Math.abs(gx[j * D + d] * xsData[(j * S + s) * D + d]);
            }
        const gotDzs = await gpu.readF32(dzs, B * S);
        assertClose(`seed ${seed} ∂L/∂z`, gotDzs, wantDzs, { rtol: 1e-6, atol: 1e-7, scale: magDzs });
        // The α step is checked on the GPU's own ∂L/∂z, so its tolerance measures only the step itself.
        const { grad, present } = alphaGrad(z, gotDzs, y, B, C, S, cfg.tau);
        const want = Float64Array.from(alpha);
        const wantT = Uint32Array.from(at);
        for (let k = 0; k < C * S; k++) {
          if (!present[Math.floor(k / S)]) continue;
          if (optimizer === 'sgd') {
            want[k] -= cfg.alphaLr * grad[k];
            continue;
          }
          // The GPU gets β as float32 (0.999 → 0.99900001…); the oracle uses the same values, since
          // 1 − β₂ differs by 1.3e-5 relative between the two and Adam passes that on.
          const [b1, b2] = [Math.fround(cfg.beta1), Math.fround(cfg.beta2)];
          const t = ++wantT[k];
          const m = b1 * am[2 * k] + (1 - b1) * grad[k];
          const v = b2 * am[2 * k + 1] + (1 - b2) * grad[k] ** 2;
          want[k] -= (cfg.alphaLr * (m / (1 - b1 ** t))) / (Math.sqrt(v / (1 - b2 ** t)) + cfg.eps);
        }
        const got = await gpu.readF32(bufs.alpha, C * S);
        // Sparse Adam computes its bias corrections 1 − β^t on the GPU with WGSL pow (f32, a few ulp):
        // 1 − 0.999^t for small t loses up to ~5e-5 relative, which Adam passes on at half strength.
        // The error scales with the step (≈ alphaLr), not with α itself: bound it by a share of the step.
        const tol =
          optimizer === 'adam' ? { rtol: 1e-4, atol: 2e-4 * cfg.alphaLr } : { rtol: 1e-4, atol: 1e-5 };
        const e = assertClose(`seed ${seed} ${optimizer} α`, got, want, tol);
        for (let k = (C - 2) * S; k < C * S; k++) assert(got[k] === alpha[k], `absent class moved: α[${k}]`);
        if (optimizer === 'adam') {
          const gotT = new Uint32Array(await gpu.read(bufs.at, 4 * C * S));
          assert(
            gotT.every((v, k) => v === wantT[k]),
            'per-(class, source) Adam step counts differ',
          );
        }
        log(`seed ${seed} ${optimizer}: α rel err ${e.toExponential(2)}`);
        f.release();
      }
    },
  },
  {
    name: 'ReLU forward/backward, argmax (ties to the lower index) and policy history kernels',
    async run(gpu, log) {
      const seed = freshSeed();
      const rng = new Rng(seed);
      const cfg = resolveTrainConfig({ seed });
      const [rows, R] = [33, 70];
      const f = factory(gpu, { epoch: 2 }, cfg);
      const h = normals(rng, rows * R);
      const b = normals(rng, R);
      const dh = normals(rng, rows * R);
      const hb = put(f, h);
      const dhb = put(f, dh);
      const reluShape = f.shape({ rows, R });
      run(gpu, [
        await f.op(
          biasReluKernel,
          { h: hb, b: put(f, b), shape: reluShape },
          Math.ceil((rows * R) / RELU_WG),
        ),
        await f.op(reluMaskKernel, { dh: dhb, h: hb, shape: reluShape }, Math.ceil((rows * R) / RELU_WG)),
      ]);
      const wantH = Float64Array.from(h, (v, i) => Math.max(0, v + b[i % R]));
      assertClose('relu(h + b)', await gpu.readF32(hb, rows * R), wantH, { rtol: 1e-6, atol: 1e-7 });
      assertClose(
        'dh ⊙ [h > 0]',
        await gpu.readF32(dhb, rows * R),
        Float64Array.from(dh, (v, i) => (wantH[i] > 0 ? v : 0)),
        { rtol: 0, atol: 0 },
      );

      const C = 75;
      const logits = normals(rng, rows * C);
      logits.set([5, 5], 3 * C + 10); // a tie in row 3: class 10 must win
      const bias = new Float32Array(C);
      const pred = put(f, new Uint32Array(rows).fill(999));
      run(gpu, [
        await f.op(
          argmaxKernel,
          { logits: put(f, logits), bias: put(f, bias), pred, shape: f.shape({ rows, C }) },
          rows,
        ),
      ]);
      const got = new Uint32Array(await gpu.read(pred, 4 * rows));
      for (let r = 0; r < rows; r++) {
        let best = 0;
        for (let c = 1; c < C; c++) if (logits[r * C + c] > logits[r * C + best]) best = c;
        assert(got[r] === best, `row ${r}: argmax ${got[r]} vs ${best}`);
      }
      assert(got[3] === 10, `tie not resolved to the lower index (${got[3]})`);

      const [Cp, S, epochs] = [5, 3, 4];
      const alpha = normals(rng, Cp * S, 2);
      const history = put(f, poison(epochs * Cp * S));
      run(gpu, [
        await f.op(policyHistoryKernel, { alpha: put(f, alpha), history, shape: f.shape({ C: Cp, S }) }, 1),
      ]);
      const hist = await gpu.readF32(history, epochs * Cp * S);
      assertClose(
        'history[epoch 2] = softmax(a)',
        hist.subarray(2 * Cp * S, 3 * Cp * S),
        policyProbs(alpha, Cp, S).flat(),
        { rtol: 1e-5, atol: 1e-7 },
      );
      assert(Number.isNaN(hist[0]) && Number.isNaN(hist[3 * Cp * S]), 'history wrote outside its epoch');
      log(`seed ${seed}: relu, argmax (${rows} rows), history ok`);
      f.release();
    },
  },
];
