/**
 * What this browser's WebGPU can do, and in plain words what will not work. Used by the app's start
 * screen and the CLI's `doctor`; creates no device.
 */

/** Limits the product needs, with why (the minimum we can live with; more is faster or bigger). */
export const NEEDED_LIMITS: Record<string, { need: number; why: string }> = {
  maxStorageBufferBindingSize: { need: 128 * 2 ** 20, why: 'to hold feature banks and model weights' },
  maxBufferSize: { need: 256 * 2 ** 20, why: 'for model weights and feature banks' },
  maxComputeInvocationsPerWorkgroup: { need: 256, why: 'for the training kernels (16×16 workgroups)' },
  maxComputeWorkgroupStorageSize: { need: 16384, why: 'for tiled matrix multiplication' },
  maxStorageBuffersPerShaderStage: { need: 8, why: 'for the training kernels' },
};

/** Optional features and what their absence costs. */
export const OPTIONAL_FEATURES: Record<string, string> = {
  'shader-f16':
    'half-precision models (SD-Turbo web export, fp16 UNets) will not load; fp32 models and the training engine still work',
  'timestamp-query': 'per-kernel GPU timings in benchmarks are unavailable (wall-clock timings are used)',
  subgroups: 'subgroup-accelerated reductions are unavailable (shared-memory reductions are used)',
};

export interface Capabilities {
  webgpu: boolean;
  adapter?: { vendor: string; architecture: string; device: string; description: string; fallback: boolean };
  features: string[];
  limits: Record<string, number>;
  /** Things that will not work, in plain words, each with what to do. Empty when all is well. */
  problems: string[];
  /** Things that work, but less well. */
  warnings: string[];
}

type GpuLike = { requestAdapter(o?: GPURequestAdapterOptions): Promise<GPUAdapter | null> };

export async function probeCapabilities(
  gpu: GpuLike | undefined = globalThis.navigator?.gpu,
): Promise<Capabilities> {
  const none = (why: string): Capabilities => ({
    webgpu: false,
    features: [],
    limits: {},
    problems: [why],
    warnings: [],
  });
  if (!gpu) {
    return none(
      'This browser has no WebGPU (navigator.gpu is missing). Use a recent Chrome or Edge on a secure (https or localhost) page; on Linux, Chrome may need chrome://flags/#enable-unsafe-webgpu.',
    );
  }
  let adapter: GPUAdapter | null = null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    return none(`WebGPU refused to give an adapter: ${(e as Error).message}`);
  }
  if (!adapter) {
    return none(
      'WebGPU is present but offered no GPU adapter (blocklisted driver or GPU process crashed). Update the GPU driver or try chrome://gpu for details.',
    );
  }
  return describeAdapter(adapter);
}

/** Capabilities of a given adapter: its info, features and limits checked against our needs. */
export function describeAdapter(adapter: GPUAdapter): Capabilities {
  const info = adapter.info;
  const limits: Record<string, number> = {};
  for (const key of Object.keys(NEEDED_LIMITS))
    limits[key] = Number((adapter.limits as unknown as Record<string, number>)[key]);
  for (const key of [
    'maxComputeWorkgroupSizeX',
    'maxComputeWorkgroupsPerDimension',
    'minUniformBufferOffsetAlignment',
  ]) {
    limits[key] = Number((adapter.limits as unknown as Record<string, number>)[key]);
  }
  const features = [...adapter.features].map(String).sort();
  const problems: string[] = [];
  for (const [key, { need, why }] of Object.entries(NEEDED_LIMITS)) {
    if (!(limits[key] >= need))
      problems.push(`GPU limit ${key} is ${limits[key]}, need at least ${need} ${why}.`);
  }
  const warnings: string[] = [];
  for (const [feature, cost] of Object.entries(OPTIONAL_FEATURES)) {
    if (!adapter.features.has(feature as GPUFeatureName)) warnings.push(`No '${feature}': ${cost}.`);
  }
  const fallback = Boolean((info as unknown as { isFallbackAdapter?: boolean }).isFallbackAdapter);
  if (fallback) warnings.push('This is a software (CPU) adapter: everything works, but slowly.');
  return {
    webgpu: true,
    adapter: {
      vendor: info?.vendor ?? '',
      architecture: info?.architecture ?? '',
      device: info?.device ?? '',
      description: info?.description ?? '',
      fallback,
    },
    features,
    limits,
    problems,
    warnings,
  };
}

/** One line naming the adapter, for logs. */
export function adapterLabel(c: Capabilities): string {
  if (!c.adapter) return 'no WebGPU adapter';
  const a = c.adapter;
  const name =
    a.description || [a.vendor, a.architecture, a.device].filter(Boolean).join(' ') || 'unknown adapter';
  return `${name}${a.fallback ? ' (software)' : ''}`;
}
