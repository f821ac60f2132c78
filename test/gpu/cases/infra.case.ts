import { LimitTooLowError, ShaderCompileError } from '../../../src/core/errors.ts';
import { STORAGE } from '../../../src/gpu/buffers.ts';
import type { KernelSpec } from '../../../src/gpu/kernel.ts';
import { matmulKernel } from '../../../src/gpu/kernels/matmul.wgsl.ts';
import { assert, type GpuCase } from '../harness.ts';

const broken: KernelSpec = {
  label: 'broken',
  workgroupSize: [1],
  bindings: [{ name: 'x', kind: 'rw', type: 'array<f32>' }],
  body: `
fn main() {
  let y: f32 = undefined_symbol + 1.0;
  x[0] = y;
}`,
};

export const infraCases: GpuCase[] = [
  {
    name: 'shader compile errors name line:col and show the source',
    async run(gpu) {
      let err: unknown;
      try {
        await gpu.pipelines.get(broken);
      } catch (e) {
        err = e;
      }
      assert(err instanceof ShaderCompileError, `expected ShaderCompileError, got ${err}`);
      const msg = (err as Error).message;
      // Line 3 of the generated source holds `let y ...` (line 1 is the binding, line 2 `fn main`... after @compute).
      assert(/broken\.wgsl:\d+:\d+:/.test(msg), `no line:col in message:\n${msg}`);
      assert(msg.includes('undefined_symbol'), 'message does not show the offending source');
    },
  },
  {
    name: 'pipeline cache compiles a kernel once',
    async run(gpu) {
      const before = gpu.pipelines.compiled;
      const k1 = await gpu.pipelines.get(matmulKernel({ transA: false, transB: true }));
      const mid = gpu.pipelines.compiled;
      const k2 = await gpu.pipelines.get(matmulKernel({ transA: false, transB: true }));
      assert(k1 === k2, 'second get returned a different pipeline');
      assert(gpu.pipelines.compiled === mid && mid <= before + 1, 'cache recompiled');
    },
  },
  {
    name: 'a kernel binding more storage buffers than the device allows is refused with have/need',
    async run(gpu) {
      const n = gpu.limits.maxStorageBuffersPerShaderStage + 1;
      const spec: KernelSpec = {
        label: 'too_many',
        workgroupSize: [1],
        bindings: Array.from({ length: n }, (_, i) => ({
          name: `b${i}`,
          kind: 'rw' as const,
          type: 'array<f32>',
        })),
        body: 'fn main() { b0[0] = 1.0; }',
      };
      let err: unknown;
      try {
        await gpu.pipelines.get(spec);
      } catch (e) {
        err = e;
      }
      assert(err instanceof LimitTooLowError, `expected LimitTooLowError, got ${err}`);
      assert((err as LimitTooLowError).need === n, 'need not reported');
    },
  },
  {
    name: 'buffer pool reuses released buffers of the same bucket',
    async run(gpu) {
      const a = gpu.pool.acquire(1000, STORAGE);
      gpu.pool.release(a);
      const b = gpu.pool.acquire(1020, STORAGE);
      assert(a === b, 'same-bucket buffer was not reused');
      gpu.pool.release(b);
      let threw = false;
      try {
        gpu.pool.release(b);
      } catch {
        threw = true;
      }
      assert(threw, 'double release was not detected');
    },
  },
  {
    name: 'readback returns exactly what was uploaded',
    async run(gpu) {
      const data = Float32Array.from({ length: 1027 }, (_, i) => i * 0.5 - 7);
      const buf = gpu.upload(data);
      const got = await gpu.readF32(buf, data.length);
      assert(
        got.every((v, i) => v === data[i]),
        'readback differs from upload',
      );
      const tail = await gpu.readF32(buf, 3, 1024);
      assert(tail[0] === data[1024] && tail[2] === data[1026], 'offset readback wrong');
      gpu.pool.release(buf);
    },
  },
];
