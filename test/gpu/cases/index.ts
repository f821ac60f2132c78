/** Every GPU case, run by each runtime's runner (Deno: test/gpu/deno.test.ts; Chromium: test/e2e). */
import type { GpuCase } from '../harness.ts';
import { augmentAllCases } from './augment-all.case.ts';
import { infraCases } from './infra.case.ts';
import { matmulCases } from './matmul.case.ts';
import { runViewCases } from './run-views.case.ts';
import { thinMatmulCases } from './thin-matmul.case.ts';
import { trainFdCases } from './train-fd.case.ts';
import { trainKernelCases } from './train-kernels.case.ts';
import { trainRunCases } from './train-run.case.ts';

export const allGpuCases: GpuCase[] = [
  ...infraCases,
  ...matmulCases,
  ...thinMatmulCases,
  ...trainKernelCases,
  ...trainFdCases,
  ...trainRunCases,
  ...augmentAllCases,
  ...runViewCases,
];
