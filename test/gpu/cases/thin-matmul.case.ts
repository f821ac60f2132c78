/** The batch-shaped matmuls (thin kernels), scalar and vec4 variants, against float64 on odd shapes. */
import { Rng } from '../../../src/core/rng.ts';
import { encodeOps, OpFactory } from '../../../src/train/ops.ts';
import { assert, assertClose, freshSeed, type GpuCase } from '../harness.ts';

async function check(gpu: Parameters<GpuCase['run']>[0], log: (m: string) => void, kind: 'xwt' | 'ab') {
  const seed = freshSeed();
  const rng = new Rng(seed);
  let worst = 0;
  // (M, N, K): vec4 and scalar variants (xwt: K % 4; ab: N % 4), partial 4×4 blocks, M up to the thin limit.
  for (const [M, N, K] of [
    [32, 10, 784],
    [32, 10, 783],
    [7, 13, 5],
    [64, 100, 2048],
    [1, 1, 1],
    [33, 24, 10],
  ]) {
    const f = new OpFactory(gpu);
    const a = Float32Array.from({ length: M * K }, () => rng.normal());
    const bLen = kind === 'xwt' ? N * K : K * N;
    const b = Float32Array.from({ length: bLen }, () => rng.normal());
    const ga = f.buffer(a.byteLength, 'a');
    const gb = f.buffer(b.byteLength, 'b');
    const gc = f.buffer(4 * M * N, 'c');
    gpu.device.queue.writeBuffer(ga, 0, a);
    gpu.device.queue.writeBuffer(gb, 0, b);
    gpu.device.queue.writeBuffer(gc, 0, new Float32Array(M * N).fill(Number.NaN));
    const op = kind === 'xwt' ? await f.xwt(ga, gb, gc, M, N, K) : await f.ab(ga, gb, gc, M, N, K);
    assert(op.kernel.spec.label.startsWith('thin_'), `expected a thin kernel, got ${op.kernel.spec.label}`);
    const enc = gpu.device.createCommandEncoder();
    const pass = enc.beginComputePass();
    encodeOps(pass, [op], 0);
    pass.end();
    gpu.device.queue.submit([enc.finish()]);
    const want = new Float64Array(M * N);
    const mag = new Float64Array(M * N);
    for (let m = 0; m < M; m++) {
      for (let n = 0; n < N; n++) {
        for (let k = 0; k < K; k++) {
          const t = a[m * K + k] * (kind === 'xwt' ? b[n * K + k] : b[k * N + n]);
          want[m * N + n] += t;
          mag[m * N + n] += Math.abs(t);
        }
      }
    }
    const got = await gpu.readF32(gc, M * N);
    worst = Math.max(
      worst,
      assertClose(`seed ${seed} ${kind} ${M}×${N}×${K}`, got, want, {
        rtol: 2e-6 * Math.sqrt(K) + 1e-6,
        scale: mag,
      }),
    );
    f.release();
  }
  log(`seed ${seed}: worst relative error ${worst.toExponential(2)}`);
}

export const thinMatmulCases: GpuCase[] = [
  { name: 'thin matmul X·Wᵀ (logits; scalar and vec4) matches float64', run: (g, l) => check(g, l, 'xwt') },
  {
    name: 'thin matmul dZ·W (input gradient; scalar and vec4) matches float64',
    run: (g, l) => check(g, l, 'ab'),
  },
];
