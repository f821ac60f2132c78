/**
 * Compares a graph's real inputs and outputs with a manifest's `sessions` entry and lists every
 * difference. Opening a model never fails on these (binding.ts binds by role and turns differences
 * into warnings); tests use the list to keep fixture graphs and the real manifests in step.
 *
 * Rules: every expected input and output must exist with the same element type and rank (float16 and
 * float32 count as one: the session converts between them at the boundary); a dimension
 * both sides give as a number must be equal (symbolic names may differ between exporters). The graph
 * may have extra outputs; an extra graph input is listed.
 */
import type { Dim, ValueSpec } from './types.ts';

export interface Signature {
  inputs: readonly ValueSpec[];
  outputs: readonly ValueSpec[];
}

const FLOATS = new Set(['float32', 'float16']);
const fmtDim = (d: Dim) => (typeof d === 'number' ? String(d) : d);
export const fmtSpec = (v: ValueSpec) => `${v.name}: ${v.dtype}[${v.shape.map(fmtDim).join(', ')}]`;

/** Names may use '*' as a wildcard for a run of characters ('past_key_values.*.key'). */
export function nameMatcher(pattern: string): (name: string) => boolean {
  if (!pattern.includes('*')) return (n) => n === pattern;
  const re = new RegExp(`^${pattern.split('*').map(escapeRe).join('.*')}$`);
  return (n) => re.test(n);
}
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function compare(kind: 'input' | 'output', want: readonly ValueSpec[], have: readonly ValueSpec[]): string[] {
  const problems: string[] = [];
  const matched = new Set<string>();
  for (const w of want) {
    const m = nameMatcher(w.name);
    const found = have.filter((h) => m(h.name));
    if (found.length === 0) problems.push(`missing ${kind} '${w.name}'`);
    for (const h of found) {
      matched.add(h.name);
      if (h.dtype !== w.dtype && !(FLOATS.has(h.dtype) && FLOATS.has(w.dtype)))
        problems.push(`${kind} '${h.name}' is ${h.dtype}, expected ${w.dtype}`);
      if (h.shape.length !== w.shape.length) {
        problems.push(`${kind} '${h.name}' has rank ${h.shape.length}, expected ${w.shape.length}`);
        continue;
      }
      h.shape.forEach((d, i) => {
        const e = w.shape[i];
        if (typeof d === 'number' && typeof e === 'number' && d !== e) {
          problems.push(`${kind} '${h.name}' dim ${i} is ${d}, expected ${e}`);
        }
      });
    }
  }
  if (kind === 'input') {
    for (const h of have) if (!matched.has(h.name)) problems.push(`unexpected input '${h.name}'`);
  }
  return problems;
}

/** The problems found, empty when the graph fits the manifest. */
export function signatureProblems(want: Signature, have: Signature): string[] {
  return [...compare('input', want.inputs, have.inputs), ...compare('output', want.outputs, have.outputs)];
}
