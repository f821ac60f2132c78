/** Bind groups from named buffers (checked against the kernel's declaration) and dispatch encoding. */
import type { CompiledKernel } from './pipelines.ts';

export type BufferArg = GPUBuffer | GPUBufferBinding;

/** A bind group for `k` from buffers named as in its declaration. Build once, reuse every step. */
export function makeBindGroup(
  device: GPUDevice,
  k: CompiledKernel,
  buffers: Record<string, BufferArg>,
): GPUBindGroup {
  const names = k.spec.bindings.map((b) => b.name);
  const extra = Object.keys(buffers).filter((n) => !names.includes(n));
  const missing = names.filter((n) => !(n in buffers));
  if (missing.length || extra.length) {
    throw new Error(
      `kernel ${k.spec.label}: bindings missing [${missing.join(', ')}], unknown [${extra.join(', ')}]`,
    );
  }
  return device.createBindGroup({
    label: k.spec.label,
    layout: k.layout,
    entries: names.map((n, i) => {
      const arg = buffers[n];
      return { binding: i, resource: 'buffer' in arg ? arg : { buffer: arg } };
    }),
  });
}

export function encodeDispatch(
  pass: GPUComputePassEncoder,
  k: CompiledKernel,
  group: GPUBindGroup,
  workgroups: readonly [number, number?, number?],
  dynamicOffsets: readonly number[] = [],
): void {
  pass.setPipeline(k.pipeline);
  pass.setBindGroup(0, group, dynamicOffsets);
  pass.dispatchWorkgroups(workgroups[0], workgroups[1] ?? 1, workgroups[2] ?? 1);
}
