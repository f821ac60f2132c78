/**
 * Matmuls for the training step's shapes, where one side is the batch (M ≤ 64 rows): the 64×64-tile
 * matmul would run as a single workgroup walking all of K. Here every invocation owns a 4×4 block of
 * outputs in registers — no workgroup memory, no barriers — so the grid spreads over the long dimension.
 * - `xwt`:    C[M][N] = A[M][K] · B[N][K]ᵀ   (logits = X·Wᵀ; K is the feature dimension)
 * - `smallK`: C[M][N] = A[M][K] · B[K][N]    (∂L/∂X = dZ·W; K is the number of classes)
 * With `vec4` (K % 4 == 0 for xwt, N % 4 == 0 for smallK) loads and FMAs are 4 wide.
 */
import type { KernelSpec } from '../kernel.ts';

export const THIN_WG = 64;

const DIMS = 'struct Dims { M: u32, N: u32, K: u32, pad: u32 }';

const bindings = (aVec: boolean, bVec: boolean, cVec: boolean) => [
  { name: 'a', kind: 'read' as const, type: aVec ? 'array<vec4<f32>>' : 'array<f32>' },
  { name: 'b', kind: 'read' as const, type: bVec ? 'array<vec4<f32>>' : 'array<f32>' },
  { name: 'c', kind: 'rw' as const, type: cVec ? 'array<vec4<f32>>' : 'array<f32>' },
  { name: 'dims', kind: 'uniform' as const, type: 'Dims' },
];

export function xwtKernel(vec4: boolean): KernelSpec {
  const T = vec4 ? 'vec4<f32>' : 'f32';
  const sum = vec4 ? 'v.x + v.y + v.z + v.w' : 'v';
  return {
    label: `thin_xwt${vec4 ? '_v4' : ''}`,
    workgroupSize: [THIN_WG],
    structs: DIMS,
    bindings: bindings(vec4, vec4, false),
    body: /* wgsl */ `
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let KK = ${vec4 ? 'dims.K / 4u' : 'dims.K'};
  let NB = (dims.N + 3u) / 4u;
  let i = gid.x + gid.y * nwg.x * ${THIN_WG}u;
  if (i >= ((dims.M + 3u) / 4u) * NB) { return; }
  let m0 = (i / NB) * 4u;
  let n0 = (i % NB) * 4u;
  var acc: array<array<${T}, 4>, 4>;
  for (var k = 0u; k < KK; k++) {
    var av: array<${T}, 4>;
    var bv: array<${T}, 4>;
    for (var r = 0u; r < 4u; r++) {
      av[r] = a[min(m0 + r, dims.M - 1u) * KK + k];
      bv[r] = b[min(n0 + r, dims.N - 1u) * KK + k];
    }
    for (var r = 0u; r < 4u; r++) {
      for (var q = 0u; q < 4u; q++) { acc[r][q] = fma(av[r], bv[q], acc[r][q]); }
    }
  }
  for (var r = 0u; r < 4u; r++) {
    for (var q = 0u; q < 4u; q++) {
      if (m0 + r < dims.M && n0 + q < dims.N) {
        let v = acc[r][q];
        c[(m0 + r) * dims.N + n0 + q] = ${sum};
      }
    }
  }
}
`,
  };
}

export function smallKKernel(vec4: boolean): KernelSpec {
  const body = vec4
    ? /* wgsl */ `
  let N4 = dims.N / 4u;
  if (i >= ((dims.M + 3u) / 4u) * N4) { return; }
  let m0 = (i / N4) * 4u;
  let n = i % N4;
  var acc: array<vec4<f32>, 4>;
  for (var k = 0u; k < dims.K; k++) {
    let bv = b[k * N4 + n];
    for (var r = 0u; r < 4u; r++) { acc[r] = fma(vec4<f32>(a[min(m0 + r, dims.M - 1u) * dims.K + k]), bv, acc[r]); }
  }
  for (var r = 0u; r < 4u; r++) {
    if (m0 + r < dims.M) { c[(m0 + r) * N4 + n] = acc[r]; }
  }`
    : /* wgsl */ `
  let NB = (dims.N + 3u) / 4u;
  if (i >= ((dims.M + 3u) / 4u) * NB) { return; }
  let m0 = (i / NB) * 4u;
  let n0 = (i % NB) * 4u;
  var acc: array<array<f32, 4>, 4>;
  for (var k = 0u; k < dims.K; k++) {
    var bv: array<f32, 4>;
    for (var q = 0u; q < 4u; q++) { bv[q] = b[k * dims.N + min(n0 + q, dims.N - 1u)]; }
    for (var r = 0u; r < 4u; r++) {
      let av = a[min(m0 + r, dims.M - 1u) * dims.K + k];
      for (var q = 0u; q < 4u; q++) { acc[r][q] = fma(av, bv[q], acc[r][q]); }
    }
  }
  for (var r = 0u; r < 4u; r++) {
    for (var q = 0u; q < 4u; q++) {
      if (m0 + r < dims.M && n0 + q < dims.N) { c[(m0 + r) * dims.N + n0 + q] = acc[r][q]; }
    }
  }`;
  return {
    label: `thin_small_k${vec4 ? '_v4' : ''}`,
    workgroupSize: [THIN_WG],
    structs: DIMS,
    bindings: bindings(false, vec4, vec4),
    body: `fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * ${THIN_WG}u;${body}
}
`,
  };
}

/** Invocations (4×4 output blocks) of either thin kernel, for the dispatch size. */
export const thinBlocks = (M: number, N: number) => Math.ceil(M / 4) * Math.ceil(N / 4);

export const thinDims = (M: number, N: number, K: number) => new Uint32Array([M, N, K, 0]);
