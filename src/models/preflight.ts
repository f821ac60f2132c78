/**
 * Before any download: can this machine run this model variant at all? From the manifest's sizes and
 * flags and the environment (a WebGPU adapter's features and limits, or wasm only), each problem is
 * named with its numbers, so a user gets "this needs X, your GPU has Y" instead of an out-of-memory
 * halfway through a 2 GB download. What cannot be checked (sizes the manifest lacks) is listed too.
 */
import {
  type AutoGenDAError,
  ExecutionProviderError,
  FeatureMissingError,
  LimitTooLowError,
} from '../core/errors.ts';
import { type Ep, type EpRequest, planEps } from '../ort/ep.ts';
import type { ModelManifest } from './manifest.ts';

/** wasm32 addresses at most 65536 pages of 64 KiB: ONNX Runtime's whole heap, model bytes included. */
export const WASM_HEAP_BYTES = 2 ** 32;

export interface AdapterLike {
  features: { has(name: string): boolean };
  limits: { maxBufferSize: number; maxStorageBufferBindingSize: number };
}

/** Where the model would run: a WebGPU adapter (absent: why not), and whether wasm may be used. */
export interface FitEnvironment {
  adapter?: AdapterLike;
  noWebgpu?: string;
  wasm: boolean;
}

export interface FitProblem {
  ep: Ep;
  message: string;
  /** The typed error this problem is, thrown alone or first. */
  error: AutoGenDAError;
}

export interface FitReport {
  /** The provider and variant that fit (when `problems` is empty). */
  ep: Ep;
  variant: string;
  problems: FitProblem[];
  /** Checks skipped because the manifest lacks the number (e.g. file sizes recorded on first download). */
  unchecked: string[];
}

const GiB = (n: number) => `${(n / 2 ** 30).toFixed(2)} GiB`;

/** The variant computes in float16 (its name says so, or a graph's I/O is float16). */
export function usesFp16(m: ModelManifest, variant: string): boolean {
  return (
    variant.includes('fp16') ||
    Object.values(m.sessions).some((s) => [...s.inputs, ...s.outputs].some((v) => v.dtype === 'float16'))
  );
}

/** Each graph with its external data, and their bytes (undefined when a size is unknown). */
function graphBytes(m: ModelManifest, variant: string): { role: string; file: string; bytes?: number }[] {
  return Object.entries(m.variants[variant] ?? {}).map(([role, file]) => {
    let bytes: number | undefined = 0;
    for (const p of [file, ...(m.files[file]?.externalData ?? [])]) {
      const s = m.files[p]?.size;
      bytes = s === undefined || bytes === undefined ? undefined : bytes + s;
    }
    return { role, file, bytes };
  });
}

/**
 * Both providers load a graph and its external data into ONNX Runtime's wasm heap before anything
 * else (the WebGPU provider uploads the weights from there), so no graph may exceed it.
 */
function heapProblems(m: ModelManifest, variant: string, ep: Ep, unchecked: string[]): FitProblem[] {
  const out: FitProblem[] = [];
  for (const g of graphBytes(m, variant)) {
    if (g.bytes === undefined) {
      unchecked.push(`${g.role} (${g.file}): size unknown, wasm heap not checked`);
    } else if (g.bytes > WASM_HEAP_BYTES) {
      const message =
        `${m.id} ${g.role} (${g.file} with its external data) is ${GiB(g.bytes)}, more than ONNX Runtime's ` +
        `${GiB(WASM_HEAP_BYTES)} wasm32 heap that must hold it while the session is created`;
      out.push({ ep, message, error: new ExecutionProviderError(`${message}.`) });
    }
  }
  return out;
}

function webgpuProblems(m: ModelManifest, variant: string, adapter: AdapterLike, unchecked: string[]) {
  const out: FitProblem[] = heapProblems(m, variant, 'webgpu', unchecked);
  if (usesFp16(m, variant) && !adapter.features.has('shader-f16')) {
    const error = new FeatureMissingError(
      'shader-f16',
      `to run the float16 model ${m.id} (variant '${variant}')`,
    );
    out.push({ ep: 'webgpu', message: error.message, error });
  }
  const need = m.img2img?.largestBuffer;
  if (need === undefined) unchecked.push('largest weight buffer unknown: maxBufferSize not checked');
  for (const limit of ['maxBufferSize', 'maxStorageBufferBindingSize'] as const) {
    const have = adapter.limits[limit];
    if (need !== undefined && need > have) {
      const error = new LimitTooLowError(limit, have, need, `to hold the largest weight of ${m.id}`);
      out.push({ ep: 'webgpu', message: error.message, error });
    }
  }
  return out;
}

function wasmProblems(m: ModelManifest, variant: string, unchecked: string[]): FitProblem[] {
  if (m.webgpuOnly) {
    const message = `${m.id} runs on WebGPU only (${m.webgpuOnly}), never on the wasm fallback`;
    return [{ ep: 'wasm', message, error: new ExecutionProviderError(`${message}.`) }];
  }
  return heapProblems(m, variant, 'wasm', unchecked);
}

/** Decides where `m` can run here: WebGPU first, else wasm when allowed; lists every problem otherwise. */
export function checkFit(m: ModelManifest, env: FitEnvironment, variant?: string): FitReport {
  const problems: FitProblem[] = [];
  if (env.adapter) {
    const v = variant ?? m.defaultVariant.webgpu;
    const unchecked: string[] = [];
    const p = webgpuProblems(m, v, env.adapter, unchecked);
    if (p.length === 0) return { ep: 'webgpu', variant: v, problems: [], unchecked };
    problems.push(...p);
  } else {
    const message = `WebGPU is not available (${env.noWebgpu ?? 'no adapter'})`;
    problems.push({ ep: 'webgpu', message, error: new ExecutionProviderError(`${message}.`) });
  }
  if (env.wasm) {
    const v = variant ?? m.defaultVariant.wasm;
    const unchecked: string[] = [];
    const p = wasmProblems(m, v, unchecked);
    if (p.length === 0) return { ep: 'wasm', variant: v, problems: [], unchecked };
    problems.push(...p);
  }
  return {
    ep: env.adapter ? 'webgpu' : 'wasm',
    variant: variant ?? m.defaultVariant.webgpu,
    problems,
    unchecked: [],
  };
}

/** Like checkFit, but throws the first problem's typed error, its message naming every problem. */
export function assertFits(m: ModelManifest, env: FitEnvironment, variant?: string): FitReport {
  const r = checkFit(m, env, variant);
  if (r.problems.length === 0) return r;
  const [first, ...rest] = r.problems;
  if (rest.length) first.error.message += ` Also: ${rest.map((p) => p.message).join('; ')}.`;
  throw first.error;
}

/** This runtime's environment for a provider request ('webgpu' forbids wasm; 'wasm' skips the GPU). */
export async function fitEnvironment(request: EpRequest = 'auto'): Promise<FitEnvironment> {
  const plan = await planEps(request);
  const wasm = request !== 'webgpu';
  if (plan.order[0] !== 'webgpu') {
    return { wasm, noWebgpu: plan.skipped ?? 'the wasm provider was requested' };
  }
  const adapter = (await navigator.gpu.requestAdapter()) as unknown as AdapterLike | null;
  return adapter ? { adapter, wasm } : { wasm, noWebgpu: 'requestAdapter returned null' };
}
