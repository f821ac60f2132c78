/**
 * The WebGPU part of the preflight (src/models/preflight.ts), kept as the stage's own entry point:
 * an fp16 export needs `shader-f16`, and its largest weight must fit one buffer and one binding.
 */

import type { ModelManifest } from '../../models/manifest.ts';
import { type AdapterLike, assertFits } from '../../models/preflight.ts';

export type { AdapterLike };

export interface GpuNeeds {
  /** The graphs compute in float16. */
  fp16: boolean;
  /** Bytes of the largest single initializer (the UNet's biggest weight, or a whole fp16 table). */
  largestBuffer?: number;
}

/** Throws FeatureMissingError / LimitTooLowError (naming every other problem too) when `adapter` lacks what `needs` says. */
export function checkAdapterFor(adapter: AdapterLike, needs: GpuNeeds, model: string): void {
  const m = {
    id: model,
    variants: { [needs.fp16 ? 'fp16' : 'fp32']: {} },
    files: {},
    sessions: {},
    defaultVariant: { webgpu: needs.fp16 ? 'fp16' : 'fp32', wasm: needs.fp16 ? 'fp16' : 'fp32' },
    img2img: { largestBuffer: needs.largestBuffer },
  } as unknown as ModelManifest;
  assertFits(m, { adapter, wasm: false });
}
