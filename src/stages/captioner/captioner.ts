/**
 * H(x; y) (ALGORITHM.md §3): a caption of image x that starts with "a photo of a <y> which". The
 * prefix is forced — fed as the end of the prompt — and the model continues it by greedy or beam
 * search until end-of-sequence or the token limit.
 */
import { captionPrefix } from '../../core/caption.ts';
import { ConfigError } from '../../core/errors.ts';
import type { ProgressFn } from '../../core/progress.ts';
import type { CaptionerSettings } from '../../models/manifest.ts';
import type { TextTokenizer } from '../../models/tokenizer.ts';
import type { TensorData } from '../../ort/types.ts';
import { outputSize, preprocess } from '../image/preprocess.ts';
import type { RgbImage } from '../image/resample.ts';
import { greedyRows } from './greedy-batch.ts';
import { type CaptionSessions, EncoderDecoderModel, VisionEmbedDecoderModel } from './layouts.ts';
import { captionPrompt } from './prompt.ts';
import { beamSearch, greedy } from './search.ts';

export interface CaptionOptions {
  /** 1 = greedy (default). */
  numBeams?: number;
  maxNewTokens?: number;
  lengthPenalty?: number;
  /** Replaces the forced "a photo of a <y> which" ('' = a free caption, as the models check uses). */
  prefix?: string;
  signal?: AbortSignal;
}

/** One image's preprocessed pixels and its encoder states, made by a batched encoder pass. */
export interface Preprocessed {
  pixels: Float32Array;
  encoded: TensorData<'float32'>;
}

export interface CaptionResult {
  text: string;
  prefix: string;
  /** Token ids of the forced prefix and of what the model generated (EOS included when produced). */
  prefixTokens: number[];
  generated: number[];
  finishedByEos: boolean;
  /** Cache length fed to each decoder run: 0, prompt length, then +1 per step. */
  pastLengths: number[];
}

export class Captioner {
  constructor(
    private readonly sessions: CaptionSessions,
    private readonly tokenizer: TextTokenizer,
    readonly settings: CaptionerSettings,
  ) {
    if (settings.layout === 'vision-embed-decoder') {
      if (!settings.prompt?.includes('{prefix}') || !settings.imageToken) {
        throw new ConfigError(
          'a vision-embed-decoder captioner needs a prompt with {prefix} and an imageToken',
        );
      }
      if (tokenizer.tokenId(settings.imageToken) === undefined) {
        throw new ConfigError(`the tokenizer has no image token '${settings.imageToken}'`);
      }
    }
  }

  /** A decoded token list as the caption: the forced prefix, then the words (EOS dropped). */
  private result(
    prefix: string,
    prefixTokens: number[],
    r: { tokens: number[]; finishedByEos: boolean },
    pastLengths: number[],
  ): CaptionResult {
    const words = r.tokens.filter((t) => !this.settings.eos.includes(t));
    let text = this.tokenizer.decode([...prefixTokens, ...words]).trim();
    if (!text.startsWith(prefix)) text = `${prefix} ${this.tokenizer.decode(words).trim()}`.trim();
    return { text, prefix, prefixTokens, generated: r.tokens, finishedByEos: r.finishedByEos, pastLengths };
  }

  /** `pre`: this image's pixels and encoder states from a batched encoder pass (captionBatch). */
  async caption(
    image: RgbImage,
    className: string,
    o: CaptionOptions = {},
    pre?: Preprocessed,
  ): Promise<CaptionResult> {
    const s = this.settings;
    const prefix = o.prefix ?? captionPrefix(className);
    const chw = pre?.pixels ?? preprocess(image, s.preprocess);
    const [h, w] = outputSize(s.preprocess, image);
    const pixels = { type: 'float32' as const, data: chw, dims: [1, 3, h, w] };
    const prompt = captionPrompt(this.tokenizer, s, prefix);
    const prefixTokens = prompt.prefixTokens;
    const model =
      s.layout === 'encoder-decoder'
        ? new EncoderDecoderModel(this.sessions, pixels, prompt.ids(0), pre?.encoded)
        : new VisionEmbedDecoderModel(
            this.sessions,
            pixels,
            prompt.ids,
            this.tokenizer.tokenId(s.imageToken!)!,
          );
    const opts = {
      maxNewTokens: o.maxNewTokens ?? s.maxNewTokens,
      eos: s.eos,
      numBeams: o.numBeams ?? 1,
      lengthPenalty: o.lengthPenalty,
      signal: o.signal,
    };
    try {
      const r = opts.numBeams > 1 ? await beamSearch(model, opts) : await greedy(model, opts);
      return this.result(prefix, prefixTokens, r, model.pastLengths);
    } finally {
      model.dispose();
    }
  }

  /**
   * Captions of several images, in order, each the same as caption() of it alone. The encoder–decoder
   * layout runs its image encoder once for all images of one size, and greedy-decodes the images that
   * share a prompt (the same class) together, one decoder call per token for all of them; images with
   * other prompts decode apart (prompts differ in length and the merged decoder takes no attention
   * mask, so they cannot share rows). Beam search and the vision–embed–decoder layout caption one image
   * at a time.
   */
  async captionBatch(
    items: readonly { image: RgbImage; className: string }[],
    o: CaptionOptions = {},
  ): Promise<CaptionResult[]> {
    const s = this.settings;
    const out: CaptionResult[] = new Array(items.length);
    if (s.layout !== 'encoder-decoder' || items.length < 2) {
      for (const [i, it] of items.entries()) out[i] = await this.caption(it.image, it.className, o);
      return out;
    }
    const bySize = new Map<string, number[]>();
    items.forEach((it, i) => {
      const k = outputSize(s.preprocess, it.image).join('x');
      bySize.set(k, [...(bySize.get(k) ?? []), i]);
    });
    for (const idx of bySize.values()) {
      const [h, w] = outputSize(s.preprocess, items[idx[0]].image);
      const px = idx.map((i) => preprocess(items[i].image, s.preprocess));
      const data = new Float32Array(idx.length * 3 * h * w);
      px.forEach((p, b) => {
        data.set(p, b * p.length);
      });
      const res = await this.sessions.encoder!.run(
        { pixel_values: { type: 'float32', data, dims: [idx.length, 3, h, w] } },
        { fetches: ['last_hidden_state'], signal: o.signal },
      );
      const enc = res.last_hidden_state as TensorData<'float32'>;
      const row = enc.data.length / idx.length;
      const rowsOf = (bs: number[]): TensorData<'float32'> => {
        const d = new Float32Array(bs.length * row);
        bs.forEach((b, r) => {
          d.set(enc.data.subarray(b * row, (b + 1) * row), r * row);
        });
        return { type: 'float32', data: d, dims: [bs.length, ...enc.dims.slice(1)] };
      };
      // rows of this encoder batch (b) grouped by prompt
      const byPrefix = new Map<string, number[]>();
      idx.forEach((i, b) => {
        const prefix = o.prefix ?? captionPrefix(items[i].className);
        byPrefix.set(prefix, [...(byPrefix.get(prefix) ?? []), b]);
      });
      for (const [prefix, bs] of byPrefix) {
        if (bs.length > 1 && (o.numBeams ?? 1) === 1) {
          const rs = await this.decodeRows(prefix, rowsOf(bs), [1, 3, h, w], o);
          bs.forEach((b, r) => {
            out[idx[b]] = rs[r];
          });
        } else {
          for (const b of bs) {
            const it = items[idx[b]];
            out[idx[b]] = await this.caption(it.image, it.className, o, {
              pixels: px[b],
              encoded: rowsOf([b]),
            });
          }
        }
      }
    }
    return out;
  }

  /** Greedy captions of the rows of `encoded` (images sharing `prefix`), one decoder call per token. */
  private async decodeRows(
    prefix: string,
    encoded: TensorData<'float32'>,
    pixelDims: number[],
    o: CaptionOptions,
  ): Promise<CaptionResult[]> {
    const s = this.settings;
    const prompt = captionPrompt(this.tokenizer, s, prefix);
    const prefixTokens = prompt.prefixTokens;
    // the pixels are not needed: the encoder states are given
    const pixels = { type: 'float32' as const, data: new Float32Array(0), dims: pixelDims };
    const model = new EncoderDecoderModel(this.sessions, pixels, prompt.ids(0), encoded);
    try {
      const rs = await greedyRows(model, encoded.dims[0], {
        maxNewTokens: o.maxNewTokens ?? s.maxNewTokens,
        eos: s.eos,
        signal: o.signal,
      });
      return rs.map((r) => this.result(prefix, prefixTokens, r, model.pastLengths.slice(0, r.tokens.length)));
    } finally {
      model.dispose();
    }
  }

  /** Captions for many images in order, one 'caption' progress event per image. */
  async captionAll(
    items: readonly { image: RgbImage; className: string }[],
    o: CaptionOptions & { onProgress?: ProgressFn } = {},
  ): Promise<CaptionResult[]> {
    const out: CaptionResult[] = [];
    for (const it of items) {
      out.push(await this.caption(it.image, it.className, o));
      o.onProgress?.({
        type: 'stage',
        stage: 'caption',
        done: out.length,
        total: items.length,
        unit: 'images',
      });
    }
    return out;
  }
}
