/** Every augmentation GPU case, registered once in index.ts. */
import type { GpuCase } from '../harness.ts';
import { augmentCases } from './augment.case.ts';
import { augmentViewCases } from './augment-views.case.ts';

export const augmentAllCases: GpuCase[] = [...augmentCases, ...augmentViewCases];
