import { Rng } from '../../../src/core/rng.ts';
import { matmul } from '../../../src/gpu/matmul.ts';
import { assert, assertClose, freshSeed, type GpuCase } from '../harness.ts';

/** float64 oracle of C = alpha·op(A)·op(B) + beta·C0, and Σ|terms| per output for the tolerance. */
function reference(
  a: Float32Array,
  b: Float32Array,
  c0: Float32Array,
  s: {
    M: number;
    N: number;
    K: number;
    batch: number;
    transA: boolean;
    transB: boolean;
    alpha: number;
    beta: number;
  },
) {
  const { M, N, K, batch } = s;
  const out = new Float64Array(batch * M * N);
  const mag = new Float64Array(batch * M * N);
  for (let t = 0; t < batch; t++) {
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let sum = 0;
        let abs = 0;
        for (let k = 0; k < K; k++) {
          const av = a[t * M * K + (s.transA ? k * M + i : i * K + k)];
          const bv = b[t * K * N + (s.transB ? j * K + k : k * N + j)];
          sum += av * bv;
          abs += Math.abs(av * bv);
        }
        const idx = t * M * N + i * N + j;
        const prior = s.beta === 0 ? 0 : s.beta * c0[idx]; // beta = 0 must ignore (poisoned) C
        out[idx] = s.alpha * sum + prior;
        mag[idx] = Math.abs(s.alpha) * abs + Math.abs(prior);
      }
    }
  }
  return { out, mag };
}

const shapes = [
  { M: 1, N: 1, K: 1, batch: 1 },
  { M: 70, N: 33, K: 130, batch: 1 },
  { M: 64, N: 64, K: 16, batch: 2 },
  { M: 129, N: 65, K: 47, batch: 3 },
  { M: 200, N: 10, K: 300, batch: 1 },
];

export const matmulCases: GpuCase[] = [false, true].flatMap((transA) =>
  [false, true].map((transB) => ({
    name: `matmul ${transA ? 'Aᵀ' : 'A'}·${transB ? 'Bᵀ' : 'B'} matches float64 (random shapes, alpha/beta, batches)`,
    async run(gpu, log) {
      const seed = freshSeed();
      const rng = new Rng(seed);
      let worst = 0;
      for (const [si, base] of shapes.entries()) {
        const accumulate = si % 2 === 1;
        const s = { ...base, transA, transB, alpha: accumulate ? 0.5 : 1, beta: accumulate ? -1.25 : 0 };
        const a = Float32Array.from({ length: s.batch * s.M * s.K }, () => rng.normal());
        const b = Float32Array.from({ length: s.batch * s.K * s.N }, () => rng.normal());
        // Poison the output (NaN) unless we accumulate into it: any element the kernel skips shows up.
        const c0 = accumulate
          ? Float32Array.from({ length: s.batch * s.M * s.N }, () => rng.normal())
          : new Float32Array(s.batch * s.M * s.N).fill(Number.NaN);
        const ga = gpu.upload(a);
        const gb = gpu.upload(b);
        const gc = gpu.upload(c0);
        await matmul(gpu, ga, gb, s, gc);
        const got = await gpu.readF32(gc, c0.length);
        const { out, mag } = reference(a, b, c0, s);
        worst = Math.max(
          worst,
          assertClose(`seed ${seed} shape ${JSON.stringify(s)}`, got, out, {
            rtol: 2e-6 * Math.sqrt(s.K) + 1e-6,
            scale: mag,
          }),
        );
        for (const buf of [ga, gb, gc]) gpu.pool.release(buf);
      }
      assert(gpu.pipelines.compiled >= 1, 'pipeline cache compiled nothing');
      log(`seed ${seed}: worst relative error ${worst.toExponential(2)}`);
    },
  })),
);
