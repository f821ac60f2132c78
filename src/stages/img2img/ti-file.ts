/**
 * Textual-inversion embedding files (MODELS-RESEARCH §5): diffusers / DA-Fusion
 * `{ "<token>": [dim] | [n, dim] }` as safetensors or JSON; A1111-style `emb_params` /
 * `string_to_param.*` (safetensors) need the token from the caller. Torch pickles (.bin, .pt)
 * cannot be read in a browser: the error says how to convert them.
 */
import { ConfigError } from '../../core/errors.ts';
import { fromHalf } from '../../core/fp16.ts';

export interface TokenEmbedding {
  token: string;
  /** One row per vector; a multi-vector embedding becomes token, token_1, token_2 … (diffusers). */
  vectors: Float32Array[];
  /** The file it came from, for messages. */
  file?: string;
}

const UNNAMED = new Set(['emb_params', 'string_to_param.*', '*']);

function split(name: string, data: Float32Array, shape: number[], file: string): TokenEmbedding {
  const dim = shape[shape.length - 1];
  const n = shape.length === 1 ? 1 : shape[0];
  if (shape.length > 2 || n * dim !== data.length) {
    throw new ConfigError(`${file}: textual inversion '${name}': shape [${shape}] is not [dim] or [n, dim].`);
  }
  const vectors = Array.from({ length: n }, (_, i) => data.slice(i * dim, (i + 1) * dim));
  return { token: name, vectors, file };
}

function named(key: string, token: string | undefined, file: string): string {
  if (!UNNAMED.has(key)) return key;
  if (!token)
    throw new ConfigError(`${file}: the embedding '${key}' has no token name; give one (e.g. '<my-class>').`);
  return token;
}

function safetensors(b: Uint8Array, file: string, token?: string): TokenEmbedding[] {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const n = Number(dv.getBigUint64(0, true));
  if (8 + n > b.length) throw new ConfigError(`${file}: not a safetensors file (header length ${n}).`);
  const header = JSON.parse(new TextDecoder().decode(b.subarray(8, 8 + n))) as Record<
    string,
    { dtype: string; shape: number[]; data_offsets: [number, number] }
  >;
  const base = 8 + n;
  const out: TokenEmbedding[] = [];
  for (const [key, t] of Object.entries(header)) {
    if (key === '__metadata__') continue;
    // a copy (a Node Buffer's slice would be a view), aligned for the typed-array views below
    const bytes = new Uint8Array(b.subarray(base + t.data_offsets[0], base + t.data_offsets[1]));
    let data: Float32Array;
    if (t.dtype === 'F32') data = new Float32Array(bytes.buffer);
    else if (t.dtype === 'F16') data = fromHalf(new Uint16Array(bytes.buffer));
    else if (t.dtype === 'BF16') {
      const h = new Uint16Array(bytes.buffer);
      data = new Float32Array(new Uint32Array(h.length).map((_, i) => h[i] << 16).buffer);
    } else throw new ConfigError(`${file}: tensor '${key}' is ${t.dtype}; expected F32, F16 or BF16.`);
    out.push(split(named(key, token, file), data, t.shape, file));
  }
  return out;
}

/** Parses one embedding file by content: safetensors, JSON, or a pickle (rejected with advice). */
export function parseEmbeddingFile(bytes: Uint8Array, file: string, token?: string): TokenEmbedding[] {
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) {
    throw new ConfigError(
      `${file} is a PyTorch pickle (.bin/.pt), which a browser cannot read safely. Convert it once with ` +
        "python -c \"import torch,safetensors.torch as s; d=torch.load('learned_embeds.bin'); " +
        "s.save_file({k:v.float().contiguous() for k,v in d.items()}, 'learned_embeds.safetensors')\"",
    );
  }
  if (bytes[0] === 0x7b) {
    const json = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, number[] | number[][]>;
    return Object.entries(json).map(([k, v]) => {
      const rows = Array.isArray(v[0]) ? (v as number[][]) : [v as number[]];
      const shape = Array.isArray(v[0]) ? [rows.length, rows[0].length] : [rows[0].length];
      return split(named(k, token, file), Float32Array.from(rows.flat()), shape, file);
    });
  }
  return safetensors(bytes, file, token);
}
