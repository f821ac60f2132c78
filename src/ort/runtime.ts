/**
 * Loads onnxruntime-web once per realm (page, worker, Deno, Node). Deno gets the `webgpu` build (its
 * default export condition picks a bundle that lacks the WebGPU EP there); browsers and Node get the
 * package's default entry, which in Node is the wasm-only build.
 */
import type * as Ort from 'onnxruntime-web';

export type OrtModule = typeof Ort;

export interface OrtConfig {
  /** wasm threads; 0 = runtime's choice. Defaults to 1 in Node (tests: deterministic, no thread pool). */
  numThreads?: number;
  logLevel?: 'verbose' | 'info' | 'warning' | 'error' | 'fatal';
}

type Runtime = 'browser' | 'deno' | 'node';

export function currentRuntime(): Runtime {
  const g = globalThis as { Deno?: unknown; process?: { versions?: { node?: string } } };
  if (g.Deno) return 'deno';
  if (g.process?.versions?.node && typeof (globalThis as { window?: unknown }).window === 'undefined') {
    return 'node';
  }
  return 'browser';
}

let loading: Promise<OrtModule> | undefined;

export function loadOrt(config: OrtConfig = {}): Promise<OrtModule> {
  loading ??= (async () => {
    const rt = currentRuntime();
    let mod: OrtModule;
    if (rt === 'deno') {
      const spec = 'onnxruntime-web/webgpu'; // kept out of the browser bundle's graph
      mod = (await import(/* @vite-ignore */ spec)) as OrtModule;
    } else {
      mod = await import('onnxruntime-web');
    }
    mod.env.logLevel = config.logLevel ?? 'error';
    const threads = config.numThreads ?? (rt === 'node' ? 1 : undefined);
    if (threads !== undefined) mod.env.wasm.numThreads = threads;
    return mod;
  })();
  return loading;
}
