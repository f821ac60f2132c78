/**
 * Everything the start screen reports about this browser: WebGPU capabilities, cross-origin
 * isolation (SharedArrayBuffer → multi-threaded wasm) and the storage quota. Each part is guarded:
 * older browsers lack some of these APIs, and a missing one must not hide the others.
 */
import { type Capabilities, probeCapabilities } from '../gpu/capabilities.ts';

export interface StorageEstimate {
  usage: number;
  quota: number;
}

export interface Environment {
  capabilities: Capabilities;
  /** `crossOriginIsolated`; undefined when the browser does not say. */
  isolated: boolean | undefined;
  /** undefined when `navigator.storage.estimate` is missing or failed. */
  storage: StorageEstimate | undefined;
}

export async function probeEnvironment(): Promise<Environment> {
  const [capabilities, storage] = await Promise.all([probeSafely(), estimateStorage()]);
  const isolated =
    typeof globalThis.crossOriginIsolated === 'boolean' ? globalThis.crossOriginIsolated : undefined;
  return { capabilities, isolated, storage };
}

/** probeCapabilities already handles the known failures; this catches the unknown ones. */
async function probeSafely(): Promise<Capabilities> {
  try {
    return await probeCapabilities();
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return {
      webgpu: false,
      features: [],
      limits: {},
      problems: [`Probing WebGPU failed unexpectedly: ${message}`],
      warnings: [],
    };
  }
}

async function estimateStorage(): Promise<StorageEstimate | undefined> {
  const storage = globalThis.navigator?.storage;
  if (!storage || typeof storage.estimate !== 'function') return undefined;
  try {
    const { usage, quota } = await storage.estimate();
    return typeof quota === 'number' ? { usage: usage ?? 0, quota } : undefined;
  } catch {
    return undefined;
  }
}
