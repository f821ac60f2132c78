/**
 * Binding by role: a stage says what each session must give it (UNet: a latent, a timestep, text
 * states → a noise prediction), each role with the graph names and the exporter variants it accepts
 * (int32/int64, fp16/fp32, ranks, optional inputs). The graph's own metadata decides what is bound;
 * the manifest's `sessions` entry is only a cross-check, and every difference from it becomes a
 * warning naming both sides. Only a required role that nothing in the graph fits, or a graph input
 * nobody can feed, is a ModelSignatureError, listing the graph's I/O and what was looked for.
 */
import { ModelSignatureError } from '../core/errors.ts';
import type { Feed } from './session.ts';
import { fmtSpec, nameMatcher, type Signature } from './signature.ts';
import type { Dim, DType, TensorData, ValueSpec } from './types.ts';

export const FLOAT: readonly DType[] = ['float32', 'float16'];
export const INT: readonly DType[] = ['int64', 'int32'];

export interface Role {
  /** The name the stage feeds/fetches. A name with '*' is a family (KV cache): members keep their own names. */
  role: string;
  /** Graph names accepted, preferred first ('*' matches a run of characters); default [role]. */
  names?: readonly string[];
  dtypes: readonly DType[];
  ranks: readonly number[];
  /** The stage runs without it: fed only when the graph has it, never an error when absent. */
  optional?: boolean;
  /** Roles sharing a group are alternatives: at least one of them must bind. */
  oneOf?: string;
  /** What to feed when the graph has the input and the stage fed nothing under this role. */
  fill?: (feeds: Readonly<Record<string, Feed>>) => TensorData;
  /** Dims (by position) where a symbolic graph dim takes the manifest's number (KV heads, head size). */
  manifestDims?: readonly number[];
}

export interface SessionRoles {
  inputs: readonly Role[];
  outputs: readonly Role[];
}

/** One graph value bound to a role; `spec` is what the stage sees (its name, the graph's dtype). */
export interface Bound {
  role: Role;
  graph: string;
  spec: ValueSpec;
}

export interface Binding {
  inputs: Bound[];
  outputs: Bound[];
  warnings: string[];
}

type Kind = 'input' | 'output';
const isFamily = (r: Role) => r.role.includes('*');
const namesOf = (r: Role) => r.names ?? [r.role];
const fits = (r: Role, v: ValueSpec) => r.dtypes.includes(v.dtype) && r.ranks.includes(v.shape.length);
const want = (r: Role) =>
  `'${namesOf(r).join("' | '")}' (${r.dtypes.join('|')}, rank ${r.ranks.join('|')}${r.optional ? ', optional' : ''})`;
const fmtShape = (s: readonly Dim[]) => `[${s.join(', ')}]`;

/** Binds one direction; returns what was bound and the problems (errors) found. */
function bindSide(kind: Kind, roles: readonly Role[], graph: readonly ValueSpec[], warnings: string[]) {
  const claimed = new Set<string>();
  const bound: Bound[] = [];
  const misfits = new Map<Role, string>();
  const add = (role: Role, v: ValueSpec) => {
    claimed.add(v.name);
    bound.push({ role, graph: v.name, spec: { ...v, name: isFamily(role) ? v.name : role.role } });
  };
  for (const role of roles) {
    for (const pattern of namesOf(role)) {
      const m = nameMatcher(pattern);
      const found = graph.filter((v) => !claimed.has(v.name) && m(v.name));
      if (found.length === 0) continue;
      const good = found.filter((v) => fits(role, v));
      const bad = found.filter((v) => !fits(role, v));
      if (bad.length) misfits.set(role, bad.map(fmtSpec).join(', '));
      for (const v of isFamily(role) ? good : good.slice(0, 1)) add(role, v);
      if (good.length) break;
    }
  }
  const isBound = (r: Role) => bound.some((b) => b.role === r);
  // A required role under another name: take the one unclaimed value of its type, if there is exactly one.
  for (const role of roles) {
    if (isBound(role) || role.optional || role.oneOf || isFamily(role)) continue;
    const free = graph.filter((v) => !claimed.has(v.name) && fits(role, v));
    if (free.length !== 1) continue;
    add(role, free[0]);
    warnings.push(
      `no ${kind} named ${namesOf(role)
        .map((n) => `'${n}'`)
        .join(
          ' or ',
        )}; bound the graph's only fitting ${kind} '${free[0].name}' (${fmtSpec(free[0])}) to '${role.role}'`,
    );
  }
  const problems: string[] = [];
  const groups = new Map<string, Role[]>();
  for (const role of roles) {
    if (role.oneOf) groups.set(role.oneOf, [...(groups.get(role.oneOf) ?? []), role]);
    if (isBound(role) || role.optional || role.oneOf) continue;
    const misfit = misfits.get(role);
    problems.push(`no ${kind} for ${want(role)}${misfit ? `: found ${misfit}` : ''}`);
  }
  for (const group of groups.values()) {
    if (group.some(isBound)) continue;
    const misfit = group.map((r) => misfits.get(r)).filter(Boolean);
    problems.push(
      `no ${kind} for any of ${group.map(want).join(', ')}${misfit.length ? `: found ${misfit.join(', ')}` : ''}`,
    );
  }
  if (kind === 'input') {
    for (const v of graph) {
      if (!claimed.has(v.name))
        problems.push(`graph input '${v.name}' (${fmtSpec(v)}) is required and AutoGenDA cannot feed it`);
    }
  }
  return { bound, problems };
}

/**
 * The manifest's entry for a bound value: by the graph's name, else by another name the role (or an
 * alternative of the same `oneOf` group) accepts.
 */
function manifestEntry(
  b: Bound,
  roles: readonly Role[],
  manifest: readonly ValueSpec[],
): ValueSpec | undefined {
  const byGraph = manifest.find((s) => nameMatcher(s.name)(b.graph));
  if (byGraph) return byGraph;
  const kin = b.role.oneOf ? roles.filter((r) => r.oneOf === b.role.oneOf) : [b.role];
  const names = kin.flatMap(namesOf);
  return manifest.find((s) => names.some((n) => n === s.name || nameMatcher(s.name)(n)));
}

/** Differences from the manifest as warnings; symbolic dims the role allows are filled from it. */
function crossCheck(
  kind: Kind,
  roles: readonly Role[],
  bound: Bound[],
  manifest: readonly ValueSpec[],
  graph: readonly ValueSpec[],
  warnings: string[],
): void {
  const used = new Set<ValueSpec>();
  for (const b of bound) {
    const m = manifestEntry(b, roles, manifest);
    const label = `${kind} '${isFamily(b.role) ? b.role.role : b.graph}'`;
    if (!m) {
      warnings.push(
        `${label}: the manifest does not list it; the graph has ${fmtSpec({ ...b.spec, name: b.graph })}`,
      );
      continue;
    }
    used.add(m);
    if (!nameMatcher(m.name)(b.graph))
      warnings.push(
        `${kind}: the manifest says '${m.name}', the graph has '${b.graph}' (used as '${b.role.role}')`,
      );
    if (m.dtype !== b.spec.dtype)
      warnings.push(`${label}: the manifest says ${m.dtype}, the graph has ${b.spec.dtype}`);
    if (m.shape.length !== b.spec.shape.length) {
      warnings.push(
        `${label}: the manifest says rank ${m.shape.length} ${fmtShape(m.shape)}, the graph has rank ${b.spec.shape.length} ${fmtShape(b.spec.shape)}`,
      );
      continue;
    }
    const shape = [...b.spec.shape];
    shape.forEach((d, i) => {
      const e = m.shape[i];
      if (typeof d === 'number' && typeof e === 'number' && d !== e)
        warnings.push(`${label} dim ${i}: the manifest says ${e}, the graph has ${d}`);
      if (typeof d === 'string' && typeof e === 'number' && b.role.manifestDims?.includes(i)) {
        shape[i] = e;
        warnings.push(`${label} dim ${i} is symbolic ('${d}') in the graph; using the manifest's ${e}`);
      }
    });
    b.spec = { ...b.spec, shape };
  }
  for (const m of manifest) {
    if (!used.has(m) && !graph.some((v) => nameMatcher(m.name)(v.name)))
      warnings.push(`${kind} '${m.name}': the manifest lists it, the graph has none`);
  }
}

const listSig = (s: Signature) =>
  [...s.inputs.map((v) => `  in  ${fmtSpec(v)}`), ...s.outputs.map((v) => `  out ${fmtSpec(v)}`)].join('\n');

/**
 * Binds a session's roles to its graph. `name` is for messages ('sd-turbo unet (unet/model.onnx)');
 * `manifest` is the manifest's `sessions` entry, checked but never obeyed. Throws ModelSignatureError
 * when a required role cannot be bound or a graph input cannot be fed.
 */
export function bind(name: string, roles: SessionRoles, graph: Signature, manifest?: Signature): Binding {
  const found: string[] = [];
  const ins = bindSide('input', roles.inputs, graph.inputs, found);
  const outs = bindSide('output', roles.outputs, graph.outputs, found);
  const problems = [...ins.problems, ...outs.problems];
  if (problems.length) {
    const looked = [
      ...roles.inputs.map((r) => `  in  ${want(r)}`),
      ...roles.outputs.map((r) => `  out ${want(r)}`),
    ];
    throw new ModelSignatureError(
      `Model '${name}' cannot be used: ${problems.join('; ')}.\n` +
        `The graph has:\n${listSig(graph)}\nAutoGenDA looked for:\n${looked.join('\n')}\n` +
        'This export is not one the stage can run; pick another export of the model.',
    );
  }
  const warnings = found.map((w) => `${name}: ${w}`);
  if (manifest) {
    const w: string[] = [];
    crossCheck('input', roles.inputs, ins.bound, manifest.inputs, graph.inputs, w);
    crossCheck('output', roles.outputs, outs.bound, manifest.outputs, graph.outputs, w);
    warnings.push(...[...new Set(w)].map((x) => `${name}: ${x}`));
  }
  return { inputs: ins.bound, outputs: outs.bound, warnings };
}
