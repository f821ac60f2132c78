/**
 * Before loading Stable Diffusion on WebGPU: an fp16 export needs `shader-f16`, and its largest
 * weight must fit one buffer and one storage binding. Failing here says what the GPU lacks, instead
 * of an out-of-memory or a shader error halfway through a 2 GB download.
 */
import { FeatureMissingError, LimitTooLowError } from '../../core/errors.ts';

export interface AdapterLike {
  features: { has(name: string): boolean };
  limits: { maxBufferSize: number; maxStorageBufferBindingSize: number };
}

export interface GpuNeeds {
  /** The graphs compute in float16. */
  fp16: boolean;
  /** Bytes of the largest single initializer (the UNet's biggest weight, or a whole fp16 table). */
  largestBuffer?: number;
}

export function checkAdapterFor(adapter: AdapterLike, needs: GpuNeeds, model: string): void {
  if (needs.fp16 && !adapter.features.has('shader-f16')) {
    throw new FeatureMissingError(
      'shader-f16',
      `to run the float16 model ${model}; pick an fp32 variant or the wasm fallback`,
    );
  }
  const need = needs.largestBuffer ?? 0;
  for (const limit of ['maxBufferSize', 'maxStorageBufferBindingSize'] as const) {
    const have = adapter.limits[limit];
    if (need > have) throw new LimitTooLowError(limit, have, need, `to hold the largest weight of ${model}`);
  }
}
