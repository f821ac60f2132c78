/**
 * GPU tier in Deno (navigator.gpu, lavapipe here): runs every shared GPU case on one device and prints the
 * adapter, so the log shows which real WebGPU implementation ran the checks.
 */
import { adapterLabel } from '../../src/gpu/capabilities.ts';
import { Gpu } from '../../src/gpu/device.ts';
import { allGpuCases } from './cases/index.ts';

declare const Deno: {
  test(o: {
    name: string;
    fn: () => Promise<void>;
    sanitizeResources?: boolean;
    sanitizeOps?: boolean;
  }): void;
};

let gpuPromise: Promise<Gpu> | undefined;
const getGpu = () => {
  gpuPromise ??= Gpu.acquire().then((gpu) => {
    console.log(
      `[gpu] adapter: ${adapterLabel(gpu.capabilities)}; features: ${gpu.capabilities.features.join(', ') || 'none'}`,
    );
    return gpu;
  });
  return gpuPromise;
};

for (const c of allGpuCases) {
  Deno.test({
    name: c.name,
    sanitizeResources: false,
    sanitizeOps: false,
    fn: async () => {
      const gpu = await getGpu();
      await c.run(gpu, (m) => console.log(`  ${m}`));
    },
  });
}
