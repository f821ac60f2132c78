/**
 * Methods as data (ALGORITHM §8–10): a method either searches its policy (`autogenda`) or starts final
 * training from a fixed one. Policies are per-class logits a [C][S]; probabilities are softmax(a_y).
 */
import { ConfigError } from '../core/errors.ts';

/** Stands in for log 0: finite, so Gumbel-argmax and softmax stay NaN-free on every GPU. */
export const NEVER = -1e30;

export type MethodSpec =
  | { kind: 'search'; name: string }
  | { kind: 'fixed'; name: string; probs: number[][] | number[] };

/**
 * A method over *every* source of a bank, whatever its sources are named (`autogenda search` reads banks
 * made elsewhere): `autogenda` searches over all, `search-free` is uniform, `identity` is source 0 only, or a
 * fixed matrix given as JSON (`[p0,p1,…]` or `[[…] per class]`). Runs with named sources use the registry
 * (method-registry.ts) instead.
 */
export function parseMethod(text: string, S: number): MethodSpec {
  const t = text.trim();
  if (t === 'autogenda') return { kind: 'search', name: 'autogenda' };
  if (t === 'search-free') return { kind: 'fixed', name: 'search-free', probs: Array(S).fill(1 / S) };
  if (t === 'identity') return { kind: 'fixed', name: 'identity', probs: [1, ...Array(S - 1).fill(0)] };
  if (t.startsWith('[')) {
    let probs: unknown;
    try {
      probs = JSON.parse(t);
    } catch {
      throw new ConfigError(`method '${t}': not valid JSON for a policy matrix`);
    }
    return { kind: 'fixed', name: 'fixed', probs: probs as number[] };
  }
  throw new ConfigError(
    `unknown method '${t}': use autogenda, search-free, identity, or a policy as JSON ([p per source] or [[p per source] per class])`,
  );
}

/** Logits a [C][S] for fixed probabilities (a row per class, or one row for all); rows are renormalised. */
export function logitsFromProbs(probs: number[][] | number[], C: number, S: number): Float32Array {
  const rows: number[][] = Array.isArray(probs[0]) ? (probs as number[][]) : Array(C).fill(probs as number[]);
  if (rows.length !== C) throw new ConfigError(`policy has ${rows.length} rows, the bank has ${C} classes`);
  const a = new Float32Array(C * S);
  rows.forEach((row, c) => {
    if (!Array.isArray(row) || row.length !== S)
      throw new ConfigError(`policy row ${c} must have ${S} probabilities (one per source)`);
    const sum = row.reduce((x, y) => x + y, 0);
    if (!row.every((p) => Number.isFinite(p) && p >= 0) || !(sum > 0)) {
      throw new ConfigError(
        `policy row ${c} must be non-negative numbers with a positive sum, got [${row.join(', ')}]`,
      );
    }
    row.forEach((p, s) => {
      a[c * S + s] = p > 0 ? Math.log(p / sum) : NEVER;
    });
  });
  return a;
}

/** softmax(a_y) per class, in float64. */
export function policyProbs(alpha: ArrayLike<number>, C: number, S: number): number[][] {
  return Array.from({ length: C }, (_, c) => {
    const row = Array.from({ length: S }, (_, s) => alpha[c * S + s]);
    const top = Math.max(...row);
    const e = row.map((v) => Math.exp(v - top));
    const sum = e.reduce((x, y) => x + y, 0);
    return e.map((v) => v / sum);
  });
}
