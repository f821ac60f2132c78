/**
 * Content + settings keys for cached items (ARCHITECTURE.md "Data flow"): a key is the sha256 of the
 * canonical JSON of everything that decides the item (image hash, model id, prompt, seed, strength…),
 * so a changed setting gives a new key and an unchanged one finds the stored item.
 */
import type { JsonValue } from '../storage/store.ts';
import { sha256Hex } from './import/hash.ts';

/** JSON with object keys sorted, so {a,b} and {b,a} give the same key. */
export function canonicalJson(v: JsonValue): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

export async function itemKey(kind: string, parts: JsonValue): Promise<string> {
  const hex = await sha256Hex(new TextEncoder().encode(canonicalJson(parts)));
  return `${kind}/${hex}`;
}
