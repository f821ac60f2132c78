/**
 * A session seen through its binding: the stage feeds and fetches by role name, and this wrapper
 * renames to the graph's names and back, converts integer feeds to the graph's integer type (int32
 * and int64 ids are both common), drops feeds of optional roles the graph lacks, and fills inputs
 * the stage did not feed from the role's rule. `inputs`/`outputs` are the graph's, under role names.
 */
import { type Binding, type Bound, bind, type SessionRoles } from './binding.ts';
import { DeviceTensor, type Feed, type Outputs, type RunOptions, type SessionLike } from './session.ts';
import { type Signature, signatureProblems } from './signature.ts';
import type { DType, TensorData, ValueSpec } from './types.ts';

function castInt(v: TensorData, to: DType): TensorData {
  if (v.type === to) return v;
  if (to === 'int32' && v.type === 'int64')
    return { type: 'int32', data: Int32Array.from(v.data as BigInt64Array, Number), dims: v.dims };
  if (to === 'int64' && v.type === 'int32')
    return { type: 'int64', data: BigInt64Array.from(v.data as Int32Array, (x) => BigInt(x)), dims: v.dims };
  return v;
}

export class BoundSession implements SessionLike {
  readonly inputs: ValueSpec[];
  readonly outputs: ValueSpec[];
  readonly warnings: readonly string[];
  private readonly inByName = new Map<string, Bound>();
  private readonly outToRole = new Map<string, string>();
  private readonly outToGraph = new Map<string, string>();
  private readonly optional = new Set<string>();

  constructor(
    readonly inner: SessionLike,
    private readonly binding: Binding,
    declared: { inputs: readonly { role: string; optional?: boolean }[] },
  ) {
    for (const b of binding.inputs) this.inByName.set(b.spec.name, b);
    for (const b of binding.outputs) {
      this.outToRole.set(b.graph, b.spec.name);
      this.outToGraph.set(b.spec.name, b.graph);
    }
    for (const r of declared.inputs) if (r.optional) this.optional.add(r.role);
    this.inputs = binding.inputs.map((b) => b.spec);
    // outputs no role claims stay visible under their own names
    this.outputs = [
      ...binding.outputs.map((b) => b.spec),
      ...inner.outputs.filter((o) => !this.outToRole.has(o.name)),
    ];
    this.warnings = binding.warnings;
  }

  /** The role name of a graph output (its own name when no role claims it). */
  outputRole(graphName: string): string {
    return this.outToRole.get(graphName) ?? graphName;
  }

  run(feeds: Record<string, Feed>, options: RunOptions = {}): Promise<Outputs> {
    const out: Record<string, Feed> = {};
    for (const [name, v] of Object.entries(feeds)) {
      const b = this.inByName.get(name);
      if (!b) {
        if (this.optional.has(name)) continue; // an optional role this graph does not have
        out[name] = v; // not ours to judge: ONNX Runtime names an unknown input
        continue;
      }
      out[b.graph] = v instanceof DeviceTensor ? v : castInt(v, b.spec.dtype);
    }
    for (const b of this.binding.inputs) {
      if (b.role.fill && !(b.spec.name in feeds)) out[b.graph] = castInt(b.role.fill(feeds), b.spec.dtype);
    }
    const fetches = options.fetches?.map((f) => this.outToGraph.get(f) ?? f);
    return this.inner.run(out, { ...options, fetches }).then((res) => {
      const renamed: Outputs = {};
      for (const [name, v] of Object.entries(res)) renamed[this.outputRole(name)] = v;
      return renamed;
    });
  }

  dispose(): Promise<void> {
    return this.inner.dispose();
  }
}

/**
 * A session ready for a stage: bound to its roles when the stage declares them (warnings for every
 * difference from the manifest), else the graph as it is, with the manifest's differences as warnings.
 */
export function bindSession(
  session: SessionLike,
  name: string,
  roles: SessionRoles | undefined,
  manifest?: Signature,
): { session: SessionLike; warnings: string[]; outputRole: (graphName: string) => string } {
  if (!roles) {
    const problems = manifest ? signatureProblems(manifest, session) : [];
    const warnings = problems.map((p) => `${name}: differs from the manifest: ${p}`);
    return { session, warnings, outputRole: (n) => n };
  }
  const bound = new BoundSession(session, bind(name, roles, session, manifest), roles);
  return { session: bound, warnings: [...bound.warnings], outputRole: (n) => bound.outputRole(n) };
}
