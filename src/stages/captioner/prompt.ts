/**
 * The token ids a captioner is prompted with (ALGORITHM.md §3): the forced prefix and what precedes
 * it — the decoder's start tokens (encoder–decoder, e.g. GPT-2's <|endoftext|>), or the manifest's
 * chat text with its image placeholder repeated once per image feature row (vision–embed–decoder,
 * e.g. SmolVLM). Kept apart from the search so tests can check it on the real tokenizers.
 */
import type { CaptionerSettings } from '../../models/manifest.ts';
import type { TextTokenizer } from '../../models/tokenizer.ts';

export interface CaptionPrompt {
  /** Ids of the text forced at the end of the prompt: where the caption starts. */
  prefixTokens: number[];
  /** The whole prompt once the number of image feature rows is known (encoder–decoder ignores it). */
  ids(imageRows: number): number[];
}

/** `prefix` '' asks for a free caption: the template's own ending, no forced words. */
export function captionPrompt(tok: TextTokenizer, s: CaptionerSettings, prefix: string): CaptionPrompt {
  // no special tokens are added: the start tokens and the chat template say exactly what comes first
  if (s.layout === 'encoder-decoder') {
    const prefixTokens = tok.encode(prefix, false);
    return { prefixTokens, ids: () => [...(s.decoderStart ?? []), ...prefixTokens] };
  }
  const [before, after] = s.prompt!.split('{prefix}');
  const lead = /\s*$/.exec(before)![0]; // the template's space before the prefix belongs to it
  // a free caption keeps the template's own ending ("Assistant:"), not a dangling space
  const prefixTokens = tok.encode(prefix ? lead + prefix + after : after, false);
  const token = s.imageToken!;
  const head = before.slice(0, before.length - lead.length);
  return {
    prefixTokens,
    ids: (rows) => [...tok.encode(head.split(token).join(token.repeat(rows)), false), ...prefixTokens],
  };
}
