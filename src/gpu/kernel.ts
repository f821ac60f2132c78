/**
 * A kernel declares its bindings once; the WGSL header, the bind-group layout and the binding-count check
 * all come from that declaration, so they can never disagree.
 */

export type BindingKind = 'read' | 'rw' | 'uniform';

export interface BindingSpec {
  name: string;
  kind: BindingKind;
  /** WGSL type, e.g. `array<f32>` or a struct declared in `structs`. */
  type: string;
  /** Uniform bound with a dynamic offset (one slot per step in a slab written once per epoch). */
  dynamic?: boolean;
}

export interface KernelSpec {
  /** Shown in GPU error messages and debuggers. */
  label: string;
  bindings: readonly BindingSpec[];
  workgroupSize: readonly [number, number?, number?];
  /** Struct declarations (and `enable` lines are not allowed here: use `enables`). */
  structs?: string;
  /** `enable` directives, e.g. ['f16']. */
  enables?: readonly string[];
  /** Everything after the bindings: helpers, workgroup vars, and `fn main(...)` (without `@compute`). */
  body: string;
}

/** Full WGSL source of a kernel: enables, structs, bindings, then `@compute @workgroup_size(...)` + body. */
export function kernelSource(spec: KernelSpec): string {
  const lines: string[] = [];
  for (const e of spec.enables ?? []) lines.push(`enable ${e};`);
  if (spec.structs) lines.push(spec.structs.trim());
  spec.bindings.forEach((b, i) => {
    const space =
      b.kind === 'uniform' ? 'uniform' : b.kind === 'read' ? 'storage, read' : 'storage, read_write';
    lines.push(`@group(0) @binding(${i}) var<${space}> ${b.name}: ${b.type};`);
  });
  const [x, y = 1, z = 1] = spec.workgroupSize;
  const body = spec.body.trim();
  const at = body.search(/\bfn\s+main\s*\(/);
  if (at < 0) throw new Error(`kernel ${spec.label}: body has no 'fn main('`);
  lines.push(`${body.slice(0, at)}@compute @workgroup_size(${x}, ${y}, ${z})\n${body.slice(at)}`);
  return `${lines.join('\n')}\n`;
}

export function bindGroupLayoutEntries(spec: KernelSpec): GPUBindGroupLayoutEntry[] {
  return spec.bindings.map((b, i) => ({
    binding: i,
    visibility: 0x4 /* GPUShaderStage.COMPUTE */,
    buffer: {
      type: b.kind === 'uniform' ? 'uniform' : b.kind === 'read' ? 'read-only-storage' : 'storage',
      hasDynamicOffset: Boolean(b.dynamic),
    },
  }));
}

/** Number of storage buffers a kernel binds (checked against maxStorageBuffersPerShaderStage). */
export function storageBindingCount(spec: KernelSpec): number {
  return spec.bindings.filter((b) => b.kind !== 'uniform').length;
}

/** Split a 1-D workgroup count over x and y when it exceeds the per-dimension limit (65535 by default). */
export function foldWorkgroups(count: number, maxPerDim = 65535): [number, number, number] {
  if (count <= maxPerDim) return [Math.max(1, count), 1, 1];
  const y = Math.ceil(count / maxPerDim);
  if (y > maxPerDim)
    throw new RangeError(`dispatch of ${count} workgroups exceeds ${maxPerDim}² even when folded`);
  return [Math.ceil(count / y), y, 1];
}
