/**
 * Candidate replacements for the three kernels that dominate a search step (see bench/kernel-profile.ts),
 * timed against the current ones on the step's real shapes (B=32) and checked against a float64 CPU result
 * (or, for the θ update, against the current kernel's output from the same state). Prototypes for the lead
 * to move into src/gpu/kernels; nothing in src uses them.
 *
 *   node_modules/.bin/deno run -A --no-check bench/kernel-candidates.ts [--reps N] [--json out.json]
 *
 * 1. logits = X·Wᵀ (M=B, N=C, K=D): today the 64×64-tile matmul, i.e. ONE workgroup for C ≤ 64 that walks
 *    K alone and computes a 64×64 tile for a 32×C result. Candidate: 4 rows × 4 classes per invocation,
 *    vec4 loads along D, accumulators in registers, no workgroup memory, no barrier.
 * 2. ∂L/∂X = dZ·W (M=B, N=D, K=C, K tiny): today the tiled matmul. Candidate: 4 rows × 4 columns (one vec4)
 *    per invocation, registers only.
 * 3. θ gradient + Adam: today one kernel whose last column (c == Cin) takes a divergent bias branch with its
 *    own loop, one scalar parameter per invocation. Candidates: (3a) the same kernel without the bias branch
 *    plus a tiny bias kernel (minimal change); (3b) weights as vec4, 4 rows × 4 columns per invocation
 *    (the X column is loaded once for 4 rows), plus the bias kernel.
 */
import { UNIFORM } from '../src/gpu/buffers.ts';
import { adapterLabel } from '../src/gpu/capabilities.ts';
import { Gpu } from '../src/gpu/device.ts';
import type { KernelSpec } from '../src/gpu/kernel.ts';
import { GRAD_ADAM_WG, gradAdamKernel } from '../src/gpu/kernels/grad-adam.wgsl.ts';
import { softmaxCeKernel } from '../src/gpu/kernels/softmax-ce.wgsl.ts';
import { resolveTrainConfig } from '../src/train/config.ts';
import { encodeOps, type Op, OpFactory } from '../src/train/ops.ts';
import { packStep, SLOT_BYTES } from '../src/train/slots.ts';
import { systemInfo } from './system.ts';

declare const Deno: {
  args: string[];
  env: { get(k: string): string | undefined; set(k: string, v: string): void };
  makeTempDirSync(o?: { prefix?: string }): string;
  writeTextFile(path: string, data: string): Promise<void>;
  exit(code: number): never;
};

const DIMS = 'struct Dims { M: u32, N: u32, K: u32, pad: u32 }';
const arr = (vec4: boolean) => (vec4 ? 'array<vec4<f32>>' : 'array<f32>');
const mmBindings = (vec4In: boolean, vec4Out: boolean) =>
  [
    { name: 'a', kind: 'read', type: arr(vec4In) },
    { name: 'b', kind: 'read', type: arr(vec4In || vec4Out) },
    { name: 'c', kind: 'rw', type: arr(vec4Out) },
    { name: 'dims', kind: 'uniform', type: 'Dims' },
  ] as const;

/** c[m][n] = ⟨a[m,:], b[n,:]⟩ (K % 4 == 0): 4×4 outputs per invocation, vec4 along K. */
export const xwtKernel: KernelSpec = {
  label: 'cand_xwt_4x4v4',
  workgroupSize: [64],
  structs: DIMS,
  bindings: mmBindings(true, false),
  body: /* wgsl */ `
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let K4 = dims.K / 4u;
  let NB = (dims.N + 3u) / 4u;
  let MB = (dims.M + 3u) / 4u;
  let i = gid.x;
  if (i >= MB * NB) { return; }
  let m0 = (i / NB) * 4u;
  let n0 = (i % NB) * 4u;
  var acc: array<array<vec4<f32>, 4>, 4>;
  for (var k = 0u; k < K4; k++) {
    var av: array<vec4<f32>, 4>;
    var bv: array<vec4<f32>, 4>;
    for (var r = 0u; r < 4u; r++) {
      av[r] = a[min(m0 + r, dims.M - 1u) * K4 + k];
      bv[r] = b[min(n0 + r, dims.N - 1u) * K4 + k];
    }
    for (var r = 0u; r < 4u; r++) {
      for (var q = 0u; q < 4u; q++) { acc[r][q] = fma(av[r], bv[q], acc[r][q]); }
    }
  }
  for (var r = 0u; r < 4u; r++) {
    for (var q = 0u; q < 4u; q++) {
      if (m0 + r < dims.M && n0 + q < dims.N) {
        let v = acc[r][q];
        c[(m0 + r) * dims.N + n0 + q] = v.x + v.y + v.z + v.w;
      }
    }
  }
}
`,
};

export const xwtWorkgroups = (M: number, N: number) => Math.ceil((Math.ceil(M / 4) * Math.ceil(N / 4)) / 64);

/** c[m][n] = Σ_k a[m][k]·b[k][n] for a small K (N % 4 == 0): 4 rows × one vec4 of columns per invocation. */
export const smallKKernel: KernelSpec = {
  label: 'cand_small_k_4x4v4',
  workgroupSize: [64],
  structs: DIMS,
  bindings: mmBindings(false, true),
  body: /* wgsl */ `
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let N4 = dims.N / 4u;
  let MB = (dims.M + 3u) / 4u;
  let i = gid.x;
  if (i >= MB * N4) { return; }
  let m0 = (i / N4) * 4u;
  let n = i % N4;
  var acc: array<vec4<f32>, 4>;
  for (var k = 0u; k < dims.K; k++) {
    let bv = b[k * N4 + n];
    for (var r = 0u; r < 4u; r++) {
      acc[r] = fma(vec4<f32>(a[min(m0 + r, dims.M - 1u) * dims.K + k]), bv, acc[r]);
    }
  }
  for (var r = 0u; r < 4u; r++) {
    if (m0 + r < dims.M) { c[(m0 + r) * N4 + n] = acc[r]; }
  }
}
`,
};

export const smallKWorkgroups = (M: number, N: number) => Math.ceil((Math.ceil(M / 4) * (N / 4)) / 64);

const ADAM_FN = /* wgsl */ `
fn adam(p: f32, grad: f32, m: f32, v: f32) -> vec3<f32> {
  let gr = grad + step.weightDecay * p;
  let m2 = step.beta1 * m + (1.0 - step.beta1) * gr;
  let v2 = step.beta2 * v + (1.0 - step.beta2) * gr * gr;
  let p2 = p - step.lr * (m2 / step.bc1) / (sqrt(v2 / step.bc2) + step.eps);
  return vec3<f32>(p2, m2, v2);
}`;

/** The current fused gradient + Adam, weights only (no divergent bias column). */
export const gradAdamWeightsKernel: KernelSpec = {
  ...gradAdamKernel,
  label: 'cand_grad_adam_w',
  body: /* wgsl */ `
${ADAM_FN}
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * ${GRAD_ADAM_WG}u;
  let R = shape.R;
  let Cin = shape.Cin;
  if (i >= R * Cin) { return; }
  let r = i / Cin;
  let c = i % Cin;
  var grad = 0.0;
  for (var j = 0u; j < shape.B; j++) { grad += g[j * R + r] * inp[j * Cin + c]; }
  let o = adam(w[i], grad, mw[2u * i], mw[2u * i + 1u]);
  w[i] = o.x; mw[2u * i] = o.y; mw[2u * i + 1u] = o.z;
}
`,
};

/** The bias half: ∂b[r] = Σ_j G[j][r], Adam. (Could equally live at the end of softmax-CE.) */
export const gradAdamBiasKernel: KernelSpec = {
  ...gradAdamKernel,
  label: 'cand_grad_adam_b',
  body: /* wgsl */ `
${ADAM_FN}
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let r = gid.x;
  if (r >= shape.R) { return; }
  var grad = 0.0;
  for (var j = 0u; j < shape.B; j++) { grad += g[j * shape.R + r]; }
  let o = adam(b[r], grad, mb[2u * r], mb[2u * r + 1u]);
  b[r] = o.x; mb[2u * r] = o.y; mb[2u * r + 1u] = o.z;
}
`,
};

/** Weights as vec4 (Cin % 4 == 0), 4 rows × 4 columns per invocation; moments (m, v) interleaved as today. */
export const gradAdamW4Kernel: KernelSpec = {
  ...gradAdamKernel,
  label: 'cand_grad_adam_w_4x4v4',
  bindings: gradAdamKernel.bindings.map((b) =>
    b.name === 'w' || b.name === 'mw' || b.name === 'inp' ? { ...b, type: 'array<vec4<f32>>' } : b,
  ),
  body: /* wgsl */ `
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * ${GRAD_ADAM_WG}u;
  let R = shape.R;
  let Cin4 = shape.Cin / 4u;
  if (i >= ((R + 3u) / 4u) * Cin4) { return; }
  let r0 = (i / Cin4) * 4u;
  let c4 = i % Cin4;
  var acc: array<vec4<f32>, 4>;
  for (var j = 0u; j < shape.B; j++) {
    let xv = inp[j * Cin4 + c4];
    for (var q = 0u; q < 4u; q++) { acc[q] = fma(vec4<f32>(g[j * R + min(r0 + q, R - 1u)]), xv, acc[q]); }
  }
  for (var q = 0u; q < 4u; q++) {
    if (r0 + q < R) {
      let k = (r0 + q) * Cin4 + c4;
      let p = w[k];
      let lo = mw[2u * k];
      let hi = mw[2u * k + 1u];
      let gr = acc[q] + step.weightDecay * p;
      let m = step.beta1 * vec4<f32>(lo.x, lo.z, hi.x, hi.z) + (1.0 - step.beta1) * gr;
      let v = step.beta2 * vec4<f32>(lo.y, lo.w, hi.y, hi.w) + (1.0 - step.beta2) * gr * gr;
      w[k] = p - step.lr * (m / step.bc1) / (sqrt(v / step.bc2) + step.eps);
      mw[2u * k] = vec4<f32>(m.x, v.x, m.y, v.y);
      mw[2u * k + 1u] = vec4<f32>(m.z, v.z, m.w, v.w);
    }
  }
}
`,
};

/**
 * Softmax-CE with the batch's rows in parallel (one invocation per row, classes in a loop) instead of one
 * row at a time with two 256-wide tree reductions per row: 8 barriers per dispatch instead of ~20 per row.
 * Same bindings and results (to rounding: per-row sums run in order of c); fine for C up to a few thousand.
 */
export const softmaxCeRowsKernel: KernelSpec = {
  ...softmaxCeKernel,
  label: 'cand_softmax_ce_rows',
  body: /* wgsl */ `
var<workgroup> red: array<f32, 256>;

fn main(@builtin(local_invocation_id) lid: vec3<u32>) {
  let C = shape.C;
  let invB = 1.0 / f32(shape.B);
  var total = 0.0;
  for (var r = lid.x; r < shape.B; r += 256u) {
    var mx = -3.4e38;
    for (var c = 0u; c < C; c++) { mx = max(mx, logits[r * C + c] + bias[c]); }
    var s = 0.0;
    for (var c = 0u; c < C; c++) { s += exp(logits[r * C + c] + bias[c] - mx); }
    let lse = mx + log(s);
    let label = y[r];
    for (var c = 0u; c < C; c++) {
      let p = exp(logits[r * C + c] + bias[c] - lse);
      dz[r * C + c] = (p - select(0.0, 1.0, c == label)) * invB;
    }
    total += lse - (logits[r * C + label] + bias[label]);
  }
  red[lid.x] = total;
  workgroupBarrier();
  for (var off = 128u; off > 0u; off >>= 1u) {
    if (lid.x < off) { red[lid.x] = red[lid.x] + red[lid.x + off]; }
    workgroupBarrier();
  }
  if (lid.x == 0u) { loss[step.lossSlot] = loss[step.lossSlot] + red[0]; }
}
`,
};

if ((import.meta as ImportMeta & { main?: boolean }).main) {
  if (!Deno.env.get('XDG_RUNTIME_DIR'))
    Deno.env.set('XDG_RUNTIME_DIR', Deno.makeTempDirSync({ prefix: 'xdg-' }));
  const argAt = (n: string) => (Deno.args.includes(n) ? Deno.args[Deno.args.indexOf(n) + 1] : undefined);
  const reps = Number(argAt('--reps') ?? 20);
  const jsonPath = argAt('--json');
  const gpu = await Gpu.acquire();
  const device = gpu.device;
  const cfg = resolveTrainConfig({});
  const slab = gpu.pool.acquire(SLOT_BYTES, UNIFORM, 'cand.slab');
  const slot = new ArrayBuffer(SLOT_BYTES);
  packStep(
    slot,
    0,
    { kind: 'exploit', pool: 'train', stream: 1, t: 3, bc1: 0.271, bc2: 0.003, lossSlot: 0, epoch: 0 },
    cfg,
    1,
  );
  device.queue.writeBuffer(slab, 0, slot);
  const f = new OpFactory(gpu, slab);
  const system = systemInfo();
  console.log(
    `adapter: ${adapterLabel(gpu.capabilities)} (Mesa ${system.mesaVulkanDrivers}); ${system.cpu}; load ${system.loadAverage}; ${reps} repetitions per timing`,
  );

  const time = async (ops: Op[], n = reps) => {
    const run = async (count: number) => {
      const enc = device.createCommandEncoder();
      const pass = enc.beginComputePass();
      for (let i = 0; i < count; i++) encodeOps(pass, ops, 0);
      pass.end();
      const t0 = performance.now();
      device.queue.submit([enc.finish()]);
      await device.queue.onSubmittedWorkDone();
      return performance.now() - t0;
    };
    await run(2);
    // Best of 5 for both (a busy machine only ever adds time), so a hiccup cannot swallow the measurement.
    const best5 = async (count: number) => {
      let m = Number.POSITIVE_INFINITY;
      for (let i = 0; i < 5; i++) m = Math.min(m, await run(count));
      return m;
    };
    const empty = await best5(0);
    return Math.max(0, (await best5(n)) - empty) / n;
  };
  const rand = (n: number) => Float32Array.from({ length: n }, () => Math.random() - 0.5);
  const put = (buf: GPUBuffer, data: Float32Array) => device.queue.writeBuffer(buf, 0, data);
  const maxErr = (got: ArrayLike<number>, want: ArrayLike<number>) =>
    Array.from(got).reduce((m, v, i) => Math.max(m, Math.abs(v - want[i])), 0);
  const dims = (M: number, N: number, K: number) =>
    gpu.upload(new Uint32Array([M, N, K, 0]), UNIFORM, 'dims');

  const B = cfg.batchSize;
  const results: Record<string, unknown>[] = [];
  const failures: string[] = [];
  console.log(
    '| shape (B, C, D) | what | current kernel | ms | candidate | ms | speed-up | max abs err (current / candidate) |',
  );
  console.log('|---|---|---|---:|---|---:|---:|---|');
  for (const [C, D] of [
    [10, 784],
    [10, 2048],
    [100, 2048],
    [10, 64],
  ]) {
    const X = rand(B * D);
    const W = rand(C * D);
    const DZ = rand(B * C).map((v) => v / B);
    const x = f.buffer(4 * B * D, 'x');
    const w = f.buffer(4 * C * D, 'w');
    const dz = f.buffer(4 * B * C, 'dz');
    const logits = f.buffer(4 * B * C, 'logits');
    const gx = f.buffer(4 * B * D, 'gx');
    put(x, X);
    put(w, W);
    put(dz, DZ);
    const wantLogits = new Float64Array(B * C);
    const wantGx = new Float64Array(B * D);
    for (let j = 0; j < B; j++)
      for (let c = 0; c < C; c++) {
        let acc = 0;
        for (let d = 0; d < D; d++) {
          acc += X[j * D + d] * W[c * D + d];
          wantGx[j * D + d] += DZ[j * C + c] * W[c * D + d];
        }
        wantLogits[j * C + c] = acc;
      }
    const check = async (op: Op, out: GPUBuffer, want: Float64Array) => {
      put(out, new Float32Array(want.length).fill(Number.NaN)); // poisoned
      await time([op], 1);
      return maxErr(await gpu.readF32(out, want.length), want);
    };
    const row = async (what: string, cur: Op, cand: Op[], curErr: number, candErr: number) => {
      const a = await time([cur]);
      const b = await time(cand);
      // A candidate must be as exact as the current kernel (float64 reference) or equal to it (θ update).
      const ok = candErr <= Math.max(4 * curErr, 1e-6);
      if (!ok) failures.push(`${what} at B=${B}, C=${C}, D=${D}: error ${candErr} vs ${curErr}`);
      const ms = (v: number) => (v < 0.001 ? '<0.001' : v.toFixed(3));
      const speedup = b < 0.001 ? `>${(a / 0.001).toFixed(0)}×` : `${(a / b).toFixed(1)}×`;
      console.log(
        `| ${B}, ${C}, ${D} | ${what} | ${cur.kernel.spec.label} | ${ms(a)} | ${cand.map((o) => o.kernel.spec.label).join(' + ')} | ${ms(b)} | ${speedup} | ${curErr.toExponential(1)} / ${candErr.toExponential(1)}${ok ? '' : ' ✗'} |`,
      );
      results.push({
        B,
        C,
        D,
        what,
        current: cur.kernel.spec.label,
        currentMs: a,
        candidateMs: b,
        curErr,
        candErr,
      });
    };

    const curLogits = await f.matmul(x, w, logits, { M: B, N: C, K: D, transA: false, transB: true });
    const candLogits = await f.op(
      xwtKernel,
      { a: x, b: w, c: logits, dims: dims(B, C, D) },
      xwtWorkgroups(B, C),
    );
    await row(
      'logits X·Wᵀ',
      curLogits,
      [candLogits],
      await check(curLogits, logits, wantLogits),
      await check(candLogits, logits, wantLogits),
    );

    const curGx = await f.matmul(dz, w, gx, { M: B, N: D, K: C, transA: false, transB: false });
    const candGx = await f.op(
      smallKKernel,
      { a: dz, b: w, c: gx, dims: dims(B, D, C) },
      smallKWorkgroups(B, D),
    );
    await row(
      '∂L/∂X = dZ·W',
      curGx,
      [candGx],
      await check(curGx, gx, wantGx),
      await check(candGx, gx, wantGx),
    );

    // softmax-CE: same inputs for both, dZ compared with float64, the loss slot compared with each other.
    const Y = Int32Array.from({ length: B }, (_, j) => (j * 7) % C);
    const yb = gpu.upload(new Uint32Array(Y), undefined, 'y');
    const bias = f.buffer(4 * C, 'bias');
    const BIAS = rand(C);
    put(bias, BIAS);
    const LOG = rand(B * C).map((v) => 4 * v);
    put(logits, LOG);
    const wantDz = new Float64Array(B * C);
    for (let j = 0; j < B; j++) {
      const z = Array.from({ length: C }, (_, c) => LOG[j * C + c] + BIAS[c]);
      const mx = Math.max(...z);
      const lse = mx + Math.log(z.reduce((acc, v) => acc + Math.exp(v - mx), 0));
      z.forEach((v, c) => {
        wantDz[j * C + c] = (Math.exp(v - lse) - (c === Y[j] ? 1 : 0)) / B;
      });
    }
    const lossCur = f.buffer(16, 'loss');
    const lossCand = f.buffer(16, 'loss');
    const ceShape = f.shape({ B, C });
    const ceCur = await f.op(softmaxCeKernel, { logits, bias, y: yb, dz, loss: lossCur, shape: ceShape }, 1);
    const ceCand = await f.op(
      softmaxCeRowsKernel,
      { logits, bias, y: yb, dz, loss: lossCand, shape: ceShape },
      1,
    );
    put(lossCur, new Float32Array(4));
    put(lossCand, new Float32Array(4));
    const e1 = await check(ceCur, dz, wantDz);
    const e2 = await check(ceCand, dz, wantDz);
    const [lc] = await gpu.readF32(lossCur, 1);
    const [ld] = await gpu.readF32(lossCand, 1);
    if (!(Math.abs(lc - ld) <= 1e-5 * Math.abs(lc)))
      throw new Error(
        `softmax-CE: the candidate's summed loss ${ld} differs from the current kernel's ${lc}`,
      );
    await row('softmax-CE + dZ', ceCur, [ceCand], e1, e2);

    put(dz, DZ); // the θ kernels below read dz: back to the random gradient
    // θ update: same starting state for both, one step, outputs compared with each other.
    const P0 = rand(C * D);
    const B0 = rand(C);
    const M0 = rand(2 * C * D).map((v, i) => (i % 2 ? Math.abs(v) * 1e-3 : v * 1e-2));
    const MB0 = rand(2 * C).map((v, i) => (i % 2 ? Math.abs(v) * 1e-3 : v * 1e-2));
    const state = () => {
      const s = {
        w: f.buffer(4 * C * D, 'w'),
        b: f.buffer(4 * C, 'b'),
        mw: f.buffer(8 * C * D, 'mw'),
        mb: f.buffer(8 * C, 'mb'),
      };
      put(s.w, P0);
      put(s.b, B0);
      put(s.mw, M0);
      put(s.mb, MB0);
      return s;
    };
    const shape = f.shape({ B, R: C, Cin: D });
    const s1 = state();
    const cur = await f.op(
      gradAdamKernel,
      { ...s1, g: dz, inp: x, shape },
      Math.ceil((C * (D + 1)) / GRAD_ADAM_WG),
    );
    await time([cur], 1);
    const read = async (st: ReturnType<typeof state>) => ({
      w: await gpu.readF32(st.w, C * D),
      b: await gpu.readF32(st.b, C),
      mw: await gpu.readF32(st.mw, 2 * C * D),
    });
    const want = await read(s1);
    if (!(maxErr(want.w, P0) > 0))
      throw new Error('the current θ kernel did not move W: the comparison would be vacuous');
    const candidate = async (what: string, weights: KernelSpec, wgs: number) => {
      const st = state();
      const ops = [
        await f.op(weights, { ...st, g: dz, inp: x, shape }, wgs),
        await f.op(gradAdamBiasKernel, { ...st, g: dz, inp: x, shape }, Math.ceil(C / GRAD_ADAM_WG)),
      ];
      await time(ops, 1);
      const got = await read(st);
      const diff = Math.max(maxErr(got.w, want.w), maxErr(got.b, want.b), maxErr(got.mw, want.mw));
      await row(what, cur, ops, 0, diff);
    };

    await candidate(
      'θ grad + Adam, bias split out',
      gradAdamWeightsKernel,
      Math.ceil((C * D) / GRAD_ADAM_WG),
    );
    await candidate(
      'θ grad + Adam, vec4 4×4 + bias',
      gradAdamW4Kernel,
      Math.ceil((Math.ceil(C / 4) * (D / 4)) / GRAD_ADAM_WG),
    );
  }
  console.log(
    '\n(Errors: max abs error against float64; for the θ update, the candidate column is its max abs difference from the current kernel after the same steps from the same state. ✗ marks a disagreement.)',
  );
  if (jsonPath)
    await Deno.writeTextFile(
      jsonPath,
      `${JSON.stringify({ adapter: adapterLabel(gpu.capabilities), system, reps, results }, null, 2)}\n`,
    );
  gpu.destroy();
  if (failures.length) console.error(`\nCANDIDATES THAT DISAGREE:\n${failures.join('\n')}`);
  Deno.exit(failures.length ? 1 : 0);
}
