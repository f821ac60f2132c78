/**
 * Counts WebGPU calls made by anyone in this process (our engine, tfjs-backend-webgpu): compute dispatches,
 * queue submits, writeBuffer uploads, bind groups created and buffer maps (= GPU→CPU readbacks). Installed
 * by wrapping the prototypes before any device exists, so a library's calls are counted without its help.
 * Benchmark-only instrumentation; the wrappers cost a counter increment per call.
 */

export interface GpuCounts {
  dispatches: number;
  submits: number;
  writeBuffers: number;
  bindGroups: number;
  /** GPUBuffer.mapAsync calls: every GPU→CPU readback goes through one. */
  readbacks: number;
}

const counts: GpuCounts = { dispatches: 0, submits: 0, writeBuffers: 0, bindGroups: 0, readbacks: 0 };
let installed = false;

type Ctor = { prototype: Record<string, unknown> } | undefined;

function wrap(ctor: Ctor, method: string, key: keyof GpuCounts): boolean {
  const proto = ctor?.prototype;
  const original = proto?.[method];
  if (!proto || typeof original !== 'function') return false;
  proto[method] = function (this: unknown, ...args: unknown[]) {
    counts[key]++;
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  };
  return true;
}

/** Wrap the WebGPU prototypes once; returns false where the globals are missing (counts stay 0). */
export function installGpuCounters(): boolean {
  if (installed) return true;
  const g = globalThis as unknown as Record<string, Ctor>;
  const ok = [
    wrap(g.GPUComputePassEncoder, 'dispatchWorkgroups', 'dispatches'),
    wrap(g.GPUComputePassEncoder, 'dispatchWorkgroupsIndirect', 'dispatches'),
    wrap(g.GPUQueue, 'submit', 'submits'),
    wrap(g.GPUQueue, 'writeBuffer', 'writeBuffers'),
    wrap(g.GPUDevice, 'createBindGroup', 'bindGroups'),
    wrap(g.GPUBuffer, 'mapAsync', 'readbacks'),
  ];
  installed = ok[0];
  return installed;
}

export function snapshot(): GpuCounts {
  return { ...counts };
}

export function since(before: GpuCounts): GpuCounts {
  const now = snapshot();
  return {
    dispatches: now.dispatches - before.dispatches,
    submits: now.submits - before.submits,
    writeBuffers: now.writeBuffers - before.writeBuffers,
    bindGroups: now.bindGroups - before.bindGroups,
    readbacks: now.readbacks - before.readbacks,
  };
}
