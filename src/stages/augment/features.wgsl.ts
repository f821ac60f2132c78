/**
 * Pixels → feature vectors, for datasets whose feature of an image is its pixels (e.g. Fashion-MNIST with
 * no backbone): grey = R / 255 per pixel (D = H·W); rgb = R, G, B / 255 per pixel, pixel-major (D = 3·H·W).
 */
import type { KernelSpec } from '../../gpu/kernel.ts';

export const FEATURE_MODES = { grey: 0, rgb: 1 } as const;
export type FeatureMode = keyof typeof FEATURE_MODES;

const WG = 256;

export const pixelFeaturesKernel: KernelSpec = {
  label: 'augment.features',
  structs: 'struct FeatDims { count: u32, npx: u32, mode: u32, pad: u32 }',
  bindings: [
    { name: 'src', kind: 'read', type: 'array<u32>' },
    { name: 'out', kind: 'rw', type: 'array<f32>' },
    { name: 'fd', kind: 'uniform', type: 'FeatDims' },
  ],
  workgroupSize: [WG],
  body: /* wgsl */ `
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * ${WG}u;
  if (i >= fd.count * fd.npx) { return; }
  let v = src[i];
  if (fd.mode == 0u) {
    out[i] = f32(v & 255u) / 255.0;
  } else {
    for (var c = 0u; c < 3u; c++) { out[3u * i + c] = f32((v >> (8u * c)) & 255u) / 255.0; }
  }
}
`,
};
