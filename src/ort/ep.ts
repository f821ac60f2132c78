/**
 * Execution-provider choice: WebGPU when this runtime can give ONNX Runtime an adapter, else wasm,
 * always with the reason, so the UI and the CLI can say why a model runs on the CPU.
 */

export type Ep = 'webgpu' | 'wasm';
export type EpRequest = 'auto' | Ep;

export interface EpChoice {
  ep: Ep;
  /** Why WebGPU is not used; absent when it is. */
  fallbackReason?: string;
}

/** Undefined when WebGPU looks usable, else a plain-words reason. Probes once per realm. */
let probe: Promise<string | undefined> | undefined;

export function webgpuUnavailableReason(): Promise<string | undefined> {
  probe ??= (async () => {
    const g = globalThis as { process?: { versions?: { node?: string } }; Deno?: unknown };
    if (
      g.process?.versions?.node &&
      !g.Deno &&
      typeof (globalThis as { window?: unknown }).window === 'undefined'
    ) {
      return 'Node.js: onnxruntime-web’s WebGPU execution provider does not run in Node';
    }
    const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
    if (!gpu) return 'this runtime has no WebGPU (navigator.gpu is missing)';
    try {
      const adapter = await gpu.requestAdapter();
      return adapter ? undefined : 'no WebGPU adapter is available (requestAdapter returned null)';
    } catch (e) {
      return `requesting a WebGPU adapter failed: ${(e as Error).message}`;
    }
  })();
  return probe;
}

/** Providers to try, in order, for a request. */
export async function planEps(request: EpRequest): Promise<{ order: Ep[]; skipped?: string }> {
  if (request === 'wasm') return { order: ['wasm'] };
  const why = await webgpuUnavailableReason();
  if (request === 'webgpu') return { order: why ? [] : ['webgpu'], skipped: why };
  return why ? { order: ['wasm'], skipped: why } : { order: ['webgpu', 'wasm'] };
}
