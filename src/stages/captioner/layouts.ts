/**
 * The two captioner export layouts as step models for the search (MODELS.md):
 * - encoder–decoder (vit-gpt2): the encoder runs once; the merged decoder gets `input_ids`, the
 *   encoder states, the cache and `use_cache_branch` (false on the first run, when the cache is empty);
 * - vision encoder + embed_tokens + decoder (SmolVLM, a BLIP-2 split): image features replace the
 *   embeddings of the image placeholder tokens; the decoder gets `inputs_embeds`, `attention_mask`
 *   over past + new tokens and `position_ids`.
 * The first run takes the whole prompt (ending with the forced caption prefix); each later run one
 * new token per beam, with the cache reordered to the surviving beams.
 */
import type { SessionLike } from '../../ort/session.ts';
import { int64, type TensorData } from '../../ort/types.ts';
import { KvCache } from './kv-cache.ts';
import type { StepModel } from './search.ts';

export interface CaptionSessions {
  decoder: SessionLike;
  encoder?: SessionLike;
  vision?: SessionLike;
  embed?: SessionLike;
}

/** Logits of the last position of every row of a [B, L, V] output. */
function lastLogits(t: TensorData): Float32Array[] {
  const [B, L, V] = t.dims;
  const d = t.data as Float32Array;
  return Array.from({ length: B }, (_, b) => d.slice((b * L + L - 1) * V, (b * L + L) * V));
}

/** Repeat batch row 0 of a tensor n times. */
function tile(t: TensorData<'float32'>, n: number): TensorData<'float32'> {
  const row = t.data.length / t.dims[0];
  const data = new Float32Array(n * row);
  for (let i = 0; i < n; i++) data.set(t.data.subarray(0, row), i * row);
  return { type: 'float32', data, dims: [n, ...t.dims.slice(1)] };
}

const has = (s: SessionLike, name: string) => s.inputs.some((i) => i.name === name);

abstract class CachedDecoder implements StepModel {
  protected readonly kv: KvCache;
  /** past_sequence_length fed to each decoder run (the cache growing by one per step). */
  readonly pastLengths: number[] = [];

  constructor(protected readonly s: CaptionSessions) {
    this.kv = new KvCache(s.decoder);
  }

  abstract start(): Promise<Float32Array>;
  abstract step(tokens: number[], parents: number[]): Promise<Float32Array[]>;

  protected async decode(feeds: Record<string, TensorData>, batch: number): Promise<Float32Array[]> {
    this.pastLengths.push(this.kv.length);
    const out = await this.s.decoder.run({ ...feeds, ...this.kv.feeds(batch) });
    this.kv.update(out);
    return lastLogits(out.logits as TensorData);
  }

  dispose(): void {
    this.kv.release();
  }
}

export class EncoderDecoderModel extends CachedDecoder {
  private enc?: TensorData<'float32'>;

  constructor(
    s: CaptionSessions,
    private readonly pixels: TensorData<'float32'>,
    private readonly promptIds: number[],
    /** This image's encoder states when a batched encoder pass already made them ([1, S, D]). */
    encoded?: TensorData<'float32'>,
  ) {
    super(s);
    if (!s.encoder) throw new Error('encoder-decoder captioner needs an encoder session');
    this.enc = encoded;
  }

  async start(): Promise<Float32Array> {
    if (!this.enc) {
      const out = await this.s.encoder!.run(
        { pixel_values: this.pixels },
        { fetches: ['last_hidden_state'] },
      );
      this.enc = out.last_hidden_state as TensorData<'float32'>;
    }
    return (await this.run([this.promptIds]))[0];
  }

  async step(tokens: number[], parents: number[]): Promise<Float32Array[]> {
    await this.kv.reorder(parents);
    return this.run(tokens.map((t) => [t]));
  }

  /**
   * The prompt as `n` rows, one per image of a batch: `encoded` (the constructor's) holds n rows of
   * encoder states. Logits of the last position, per row.
   */
  startRows(n: number): Promise<Float32Array[]> {
    if (this.enc?.dims[0] !== n) throw new Error(`startRows(${n}) needs ${n} rows of encoder states`);
    return this.run(Array.from({ length: n }, () => this.promptIds));
  }

  private run(rows: number[][]): Promise<Float32Array[]> {
    const B = rows.length;
    const feeds: Record<string, TensorData> = {
      input_ids: int64(rows.flat(), [B, rows[0].length]),
      encoder_hidden_states: B === this.enc!.dims[0] ? this.enc! : tile(this.enc!, B),
    };
    if (has(this.s.decoder, 'use_cache_branch')) {
      feeds.use_cache_branch = { type: 'bool', data: Uint8Array.of(this.kv.length > 0 ? 1 : 0), dims: [1] };
    }
    return this.decode(feeds, B);
  }
}

export class VisionEmbedDecoderModel extends CachedDecoder {
  constructor(
    s: CaptionSessions,
    private readonly pixels: TensorData<'float32'>,
    /** Prompt ids once the number of image feature rows is known. */
    private readonly prompt: (imageRows: number) => number[],
    private readonly imageTokenId: number,
  ) {
    super(s);
    if (!s.vision || !s.embed)
      throw new Error('vision-embed-decoder captioner needs vision and embed sessions');
  }

  async start(): Promise<Float32Array> {
    const [, , h, w] = this.pixels.dims;
    const px = { ...this.pixels, dims: [1, 1, 3, h, w] };
    const mask: TensorData<'bool'> = {
      type: 'bool',
      data: new Uint8Array(h * w).fill(1),
      dims: [1, 1, h, w],
    };
    const vis = await this.s.vision!.run(
      { pixel_values: px, pixel_attention_mask: mask },
      { fetches: ['image_features'] },
    );
    const feats = vis.image_features as TensorData<'float32'>;
    const dim = feats.dims.at(-1)!;
    const rows = feats.data.length / dim;
    const ids = this.prompt(rows);
    const emb = await this.embed([ids]);
    let r = 0;
    ids.forEach((id, j) => {
      if (id !== this.imageTokenId) return;
      if (r < rows) emb.data.set(feats.data.subarray(r * dim, (r + 1) * dim), j * dim);
      r++;
    });
    if (r !== rows) throw new Error(`prompt has ${r} image tokens for ${rows} image feature rows`);
    return (await this.run(emb))[0];
  }

  async step(tokens: number[], parents: number[]): Promise<Float32Array[]> {
    await this.kv.reorder(parents);
    return this.run(await this.embed(tokens.map((t) => [t])));
  }

  private async embed(rows: number[][]): Promise<TensorData<'float32'>> {
    const ids = int64(rows.flat(), [rows.length, rows[0].length]);
    const out = await this.s.embed!.run({ input_ids: ids }, { fetches: ['inputs_embeds'] });
    return out.inputs_embeds as TensorData<'float32'>;
  }

  private run(emb: TensorData<'float32'>): Promise<Float32Array[]> {
    const [B, L] = emb.dims;
    const past = this.kv.length;
    const pos = Array.from({ length: B * L }, (_, i) => past + (i % L));
    return this.decode(
      {
        inputs_embeds: emb,
        attention_mask: int64(new Array(B * (past + L)).fill(1), [B, past + L]),
        position_ids: int64(pos, [B, L]),
      },
      B,
    );
  }
}
