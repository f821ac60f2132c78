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
import { outputSize, preprocess } from '../image/preprocess.ts';
import type { RgbImage } from '../image/resample.ts';
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

  async caption(image: RgbImage, className: string, o: CaptionOptions = {}): Promise<CaptionResult> {
    const s = this.settings;
    const prefix = o.prefix ?? captionPrefix(className);
    const chw = preprocess(image, s.preprocess);
    const [h, w] = outputSize(s.preprocess, image);
    const pixels = { type: 'float32' as const, data: chw, dims: [1, 3, h, w] };
    const prompt = captionPrompt(this.tokenizer, s, prefix);
    const prefixTokens = prompt.prefixTokens;
    const model =
      s.layout === 'encoder-decoder'
        ? new EncoderDecoderModel(this.sessions, pixels, prompt.ids(0))
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
      const words = r.tokens.filter((t) => !s.eos.includes(t));
      let text = this.tokenizer.decode([...prefixTokens, ...words]).trim();
      if (!text.startsWith(prefix)) text = `${prefix} ${this.tokenizer.decode(words).trim()}`.trim();
      return {
        text,
        prefix,
        prefixTokens,
        generated: r.tokens,
        finishedByEos: r.finishedByEos,
        pastLengths: model.pastLengths,
      };
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
