/** Host side of the tiled matmul: one call, new output buffer (pooled). */
import { LimitTooLowError } from '../core/errors.ts';
import { STORAGE, UNIFORM } from './buffers.ts';
import type { Gpu } from './device.ts';
import { encodeDispatch, makeBindGroup } from './dispatch.ts';
import { type MatmulShape, matmulDims, matmulKernel, matmulWorkgroups } from './kernels/matmul.wgsl.ts';

/**
 * C = alpha · op(A) · op(B) + beta · C. Pass `c` to accumulate into (beta ≠ 0) or to reuse a buffer;
 * otherwise a pooled buffer is returned (release it to `gpu.pool` when done).
 */
export async function matmul(
  gpu: Gpu,
  a: GPUBuffer,
  b: GPUBuffer,
  shape: MatmulShape,
  c?: GPUBuffer,
): Promise<GPUBuffer> {
  gpu.assertAlive();
  const wg = matmulWorkgroups(shape);
  const maxWg = gpu.limits.maxComputeWorkgroupsPerDimension;
  for (const n of wg)
    if (n > maxWg)
      throw new LimitTooLowError('maxComputeWorkgroupsPerDimension', maxWg, n, 'for this matmul');
  const k = await gpu.pipelines.get(matmulKernel(shape));
  const out = c ?? gpu.pool.acquire(4 * shape.M * shape.N * (shape.batch ?? 1), STORAGE, 'matmul.c');
  const dims = gpu.pool.acquire(32, UNIFORM, 'matmul.dims');
  gpu.device.queue.writeBuffer(dims, 0, matmulDims(shape));
  const enc = gpu.device.createCommandEncoder({ label: k.spec.label });
  const pass = enc.beginComputePass();
  encodeDispatch(pass, k, makeBindGroup(gpu.device, k, { a, b, c: out, dims }), wg);
  pass.end();
  gpu.device.queue.submit([enc.finish()]);
  gpu.pool.release(dims); // safe: writeBuffer/submit order is preserved for the next user
  return out;
}
