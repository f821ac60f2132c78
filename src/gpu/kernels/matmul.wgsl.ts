/**
 * Tiled, register-blocked fp32 matmul: C = alpha · op(A) · op(B) + beta · C, batched over workgroup z.
 * 64×64 output tile per 16×16 workgroup, each invocation owns a 4×4 block (strided by 16 so neighbouring
 * invocations touch neighbouring addresses), K consumed in slices of 16 through workgroup memory (8 KiB).
 * op(A) is A [M,K] or, with transA, A stored as [K,M]; likewise B [K,N] or [N,K].
 */
import type { KernelSpec } from '../kernel.ts';

export const MATMUL_TILE = 64;

export interface MatmulVariant {
  transA: boolean;
  transB: boolean;
}

export function matmulKernel({ transA, transB }: MatmulVariant): KernelSpec {
  // Load mapping follows the stored layout so consecutive invocations read consecutive addresses.
  const loadA = transA
    ? 'let kk = e / 64u; let mm = e % 64u; As[kk][mm] = loadA(bat, row0 + mm, k0 + kk);'
    : 'let mm = e / 16u; let kk = e % 16u; As[kk][mm] = loadA(bat, row0 + mm, k0 + kk);';
  const loadB = transB
    ? 'let nn = e / 16u; let kb = e % 16u; Bs[kb][nn] = loadB(bat, k0 + kb, col0 + nn);'
    : 'let kb = e / 64u; let nn = e % 64u; Bs[kb][nn] = loadB(bat, k0 + kb, col0 + nn);';
  return {
    label: `matmul_${transA ? 't' : 'n'}${transB ? 't' : 'n'}`,
    workgroupSize: [16, 16, 1],
    structs: `struct Dims { M: u32, N: u32, K: u32, batchA: u32, batchB: u32, batchC: u32, alpha: f32, beta: f32 }`,
    bindings: [
      { name: 'a', kind: 'read', type: 'array<f32>' },
      { name: 'b', kind: 'read', type: 'array<f32>' },
      { name: 'c', kind: 'rw', type: 'array<f32>' },
      { name: 'dims', kind: 'uniform', type: 'Dims' },
    ],
    body: /* wgsl */ `
var<workgroup> As: array<array<f32, 64>, 16>;
var<workgroup> Bs: array<array<f32, 64>, 16>;

fn loadA(bat: u32, m: u32, k: u32) -> f32 {
  if (m >= dims.M || k >= dims.K) { return 0.0; }
  return a[bat * dims.batchA + ${transA ? 'k * dims.M + m' : 'm * dims.K + k'}];
}

fn loadB(bat: u32, k: u32, n: u32) -> f32 {
  if (k >= dims.K || n >= dims.N) { return 0.0; }
  return b[bat * dims.batchB + ${transB ? 'n * dims.K + k' : 'k * dims.N + n'}];
}

fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let bat = wid.z;
  let row0 = wid.y * 64u;
  let col0 = wid.x * 64u;
  let tid = lid.y * 16u + lid.x;
  var acc: array<array<f32, 4>, 4>;
  for (var k0 = 0u; k0 < dims.K; k0 += 16u) {
    for (var i = 0u; i < 4u; i++) {
      let e = tid + i * 256u;
      { ${loadA} }
      { ${loadB} }
    }
    workgroupBarrier();
    for (var kk = 0u; kk < 16u; kk++) {
      var av: array<f32, 4>;
      var bv: array<f32, 4>;
      for (var i = 0u; i < 4u; i++) {
        av[i] = As[kk][lid.y + 16u * i];
        bv[i] = Bs[kk][lid.x + 16u * i];
      }
      for (var i = 0u; i < 4u; i++) {
        for (var j = 0u; j < 4u; j++) {
          acc[i][j] = fma(av[i], bv[j], acc[i][j]);
        }
      }
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < 4u; i++) {
    let row = row0 + lid.y + 16u * i;
    for (var j = 0u; j < 4u; j++) {
      let col = col0 + lid.x + 16u * j;
      if (row < dims.M && col < dims.N) {
        let idx = bat * dims.batchC + row * dims.N + col;
        var v = dims.alpha * acc[i][j];
        if (dims.beta != 0.0) { v += dims.beta * c[idx]; }
        c[idx] = v;
      }
    }
  }
}
`,
  };
}

export interface MatmulShape extends MatmulVariant {
  M: number;
  N: number;
  K: number;
  batch?: number;
  alpha?: number;
  beta?: number;
}

/** The Dims uniform (32 bytes) for a shape; batch strides are dense. */
export function matmulDims(s: MatmulShape): ArrayBuffer {
  const buf = new ArrayBuffer(32);
  const u = new Uint32Array(buf);
  const f = new Float32Array(buf);
  u.set([s.M, s.N, s.K, s.M * s.K, s.K * s.N, s.M * s.N]);
  f[6] = s.alpha ?? 1;
  f[7] = s.beta ?? 0;
  return buf;
}

export function matmulWorkgroups(s: MatmulShape): [number, number, number] {
  return [Math.ceil(s.N / MATMUL_TILE), Math.ceil(s.M / MATMUL_TILE), s.batch ?? 1];
}
