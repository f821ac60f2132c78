/**
 * Sentence embeddings of class names (ALGORITHM.md §4): tokenise, run the BERT-like graph in batches,
 * mean-pool the token vectors weighted by the attention mask (padding never counts), L2-normalise.
 */
import type { ProgressFn } from '../core/progress.ts';
import type { EmbedderSettings } from '../models/manifest.ts';
import type { TextTokenizer } from '../models/tokenizer.ts';
import type { SessionLike } from '../ort/session.ts';
import type { TensorData } from '../ort/types.ts';

/**
 * emb[b] = Σ_j h[b,j,:]·m[b,j] / max(Σ_j m[b,j], 1e-9), then emb[b] /= max(‖emb[b]‖₂, 1e-12)
 * (sentence-transformers' pooling and torch's F.normalize), accumulated in float64.
 */
export function meanPoolNormalise(
  hidden: Float32Array,
  dims: readonly number[],
  mask: BigInt64Array,
): Float32Array {
  const [B, S, H] = dims;
  const out = new Float32Array(B * H);
  const acc = new Float64Array(H);
  for (let b = 0; b < B; b++) {
    acc.fill(0);
    let count = 0;
    for (let j = 0; j < S; j++) {
      const m = Number(mask[b * S + j]);
      if (m === 0) continue;
      count += m;
      const row = (b * S + j) * H;
      for (let k = 0; k < H; k++) acc[k] += hidden[row + k] * m;
    }
    let norm = 0;
    for (let k = 0; k < H; k++) {
      acc[k] /= Math.max(count, 1e-9);
      norm += acc[k] * acc[k];
    }
    norm = Math.max(Math.sqrt(norm), 1e-12);
    for (let k = 0; k < H; k++) out[b * H + k] = acc[k] / norm;
  }
  return out;
}

export interface EmbedOptions {
  batchSize?: number;
  signal?: AbortSignal;
  onProgress?: ProgressFn;
}

export class Embedder {
  constructor(
    private readonly session: SessionLike,
    private readonly tokenizer: TextTokenizer,
    readonly settings: EmbedderSettings,
  ) {}

  get dim(): number {
    return this.settings.dim;
  }

  /** One L2-normalised vector per text, back to back: [texts.length × dim]. */
  async embed(texts: readonly string[], o: EmbedOptions = {}): Promise<Float32Array> {
    const { dim, maxLength, output } = this.settings;
    const batch = Math.max(1, o.batchSize ?? 32);
    const wants = new Set(this.session.inputs.map((i) => i.name));
    const out = new Float32Array(texts.length * dim);
    for (let start = 0; start < texts.length; start += batch) {
      o.signal?.throwIfAborted();
      const enc = this.tokenizer.encodeBatch(texts.slice(start, start + batch), { maxLength });
      const feeds: Record<string, TensorData> = {
        input_ids: enc.inputIds,
        attention_mask: enc.attentionMask,
      };
      if (wants.has('token_type_ids')) feeds.token_type_ids = enc.tokenTypeIds;
      const res = await this.session.run(feeds, { fetches: [output], signal: o.signal });
      const h = res[output] as TensorData;
      if (h.type !== 'float32' || h.dims.length !== 3 || h.dims[2] !== dim) {
        throw new Error(`embedder: '${output}' is ${h.type}[${h.dims}], expected float32[B, S, ${dim}]`);
      }
      out.set(meanPoolNormalise(h.data as Float32Array, h.dims, enc.attentionMask.data), start * dim);
      const done = Math.min(start + batch, texts.length);
      o.onProgress?.({ type: 'stage', stage: 'neighbours', done, total: texts.length, unit: 'names' });
    }
    return out;
  }
}
