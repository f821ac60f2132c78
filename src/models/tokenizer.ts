/**
 * A model's own tokenizer.json through @huggingface/tokenizers (the library transformers.js uses),
 * plus what the library leaves to callers: batching, padding, truncation that keeps the special
 * tokens at both ends, and int64 tensors shaped for the graph.
 */
import { Tokenizer } from '@huggingface/tokenizers';
import { ConfigError } from '../core/errors.ts';
import type { TensorData } from '../ort/types.ts';

export interface BatchEncoding {
  inputIds: TensorData<'int64'>;
  attentionMask: TensorData<'int64'>;
  tokenTypeIds: TensorData<'int64'>;
  /** Real (unpadded) length of each row. */
  lengths: number[];
}

export interface BatchOptions {
  maxLength: number;
  /** 'longest' pads to the longest row (≤ maxLength); 'max_length' always to maxLength. */
  padding?: 'longest' | 'max_length';
}

export class TextTokenizer {
  private readonly tok: Tokenizer;
  /** Special tokens the template puts before and after the text ([CLS] … [SEP] → 1 and 1). */
  private readonly head: number;
  private readonly tail: number;
  readonly padId: number;

  /**
   * `pad` (a manifest's `tokenizer.pad`) overrides the config's pad_token: SD-2-family models pad
   * with '!' although the CLIP tokenizer files they borrow say '<|endoftext|>'.
   */
  constructor(json: unknown, config: Record<string, unknown> = {}, name = 'tokenizer', pad?: string) {
    try {
      this.tok = new Tokenizer(json as object, config);
      const empty = this.tok.encode('').ids;
      const one = this.tok.encode('a').ids;
      let head = 0;
      while (head < empty.length && empty[head] === one[head]) head++;
      this.head = head;
      this.tail = empty.length - head;
    } catch (e) {
      throw new ConfigError(`${name}: tokenizer.json could not be read (${(e as Error).message}).`);
    }
    // a named pad token that is not in the vocabulary would silently pad with 0: refuse it instead
    const padToken = pad ?? tokenContent(config.pad_token);
    const padId = padToken === undefined ? 0 : this.tok.token_to_id(padToken);
    if (padId === undefined) {
      throw new ConfigError(`${name}: the pad token '${padToken}' is not in tokenizer.json's vocabulary.`);
    }
    this.padId = padId;
  }

  static fromBytes(json: Uint8Array, config?: Uint8Array, name = 'tokenizer', pad?: string): TextTokenizer {
    const parse = (b: Uint8Array, what: string) => {
      try {
        return JSON.parse(new TextDecoder().decode(b));
      } catch (e) {
        throw new ConfigError(`${name}: ${what} is not valid JSON (${(e as Error).message}).`);
      }
    };
    return new TextTokenizer(
      parse(json, 'tokenizer.json'),
      config ? parse(config, 'tokenizer_config.json') : {},
      name,
      pad,
    );
  }

  /** Token ids of `text`, with the template's special tokens unless told otherwise. */
  encode(text: string, addSpecialTokens = true): number[] {
    return this.tok.encode(text, { add_special_tokens: addSpecialTokens }).ids;
  }

  decode(ids: readonly number[], skipSpecialTokens = true): string {
    return this.tok.decode([...ids], { skip_special_tokens: skipSpecialTokens });
  }

  tokenId(token: string): number | undefined {
    return this.tok.token_to_id(token);
  }

  /** Ids cut to maxLength, keeping the leading and trailing special tokens. */
  truncate(ids: number[], maxLength: number): number[] {
    if (ids.length <= maxLength) return ids;
    if (maxLength < this.head + this.tail) throw new ConfigError(`maxLength ${maxLength} is too small.`);
    return [...ids.slice(0, maxLength - this.tail), ...ids.slice(ids.length - this.tail)];
  }

  encodeBatch(texts: readonly string[], o: BatchOptions): BatchEncoding {
    const rows = texts.map((t) => this.truncate(this.encode(t), o.maxLength));
    const width = o.padding === 'max_length' ? o.maxLength : Math.max(1, ...rows.map((r) => r.length));
    const n = rows.length * width;
    const ids = new BigInt64Array(n).fill(BigInt(this.padId));
    const mask = new BigInt64Array(n);
    rows.forEach((r, b) => {
      r.forEach((id, j) => {
        ids[b * width + j] = BigInt(id);
        mask[b * width + j] = 1n;
      });
    });
    const dims = [rows.length, width];
    return {
      inputIds: { type: 'int64', data: ids, dims },
      attentionMask: { type: 'int64', data: mask, dims },
      tokenTypeIds: { type: 'int64', data: new BigInt64Array(n), dims },
      lengths: rows.map((r) => r.length),
    };
  }
}

/** A special token in tokenizer_config.json: a plain string or an AddedToken object with `content`. */
function tokenContent(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && v !== null && typeof (v as { content?: unknown }).content === 'string')
    return (v as { content: string }).content;
  return undefined;
}
