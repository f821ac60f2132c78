/**
 * The provider `autogenda run` uses for the models when `--ep` is not given: WebGPU on a hardware
 * adapter, wasm on a software one (Mesa lavapipe/llvmpipe, SwiftShader: `isFallbackAdapter`), where
 * ONNX Runtime's WebGPU kernels run emulated on the CPU: measured 4–22× slower per image than its wasm
 * kernels, stage by stage, on the fixture models (bench/RESULTS.md, "Default execution provider").
 */
import type { EpRequest } from '../ort/ep.ts';

interface AdapterLike {
  info?: { isFallbackAdapter?: boolean; description?: string; device?: string };
  isFallbackAdapter?: boolean;
}
interface GpuLike {
  requestAdapter(): Promise<AdapterLike | null>;
}

export interface DefaultEp {
  ep: EpRequest;
  /** Said once on stderr when the default is not the usual 'auto'. */
  note?: string;
}

export async function defaultEp(gpu: GpuLike | undefined = globalThis.navigator?.gpu): Promise<DefaultEp> {
  const adapter = await gpu?.requestAdapter().catch(() => null);
  if (!adapter) return { ep: 'auto' }; // 'auto' falls back to wasm with its own reason
  const software = adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false;
  if (!software) return { ep: 'auto' };
  const name = adapter.info?.description || adapter.info?.device || 'a software adapter';
  return {
    ep: 'wasm',
    note: `the WebGPU adapter is ${name}, a software (CPU) one: the models run on ONNX Runtime's wasm backend, which is faster there (--ep webgpu to use the adapter anyway)`,
  };
}
