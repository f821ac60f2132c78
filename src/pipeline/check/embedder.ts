/**
 * Sentence embedder: the cosine similarities of the three sentences of sentence-transformers'
 * documentation, which publishes all-MiniLM-L6-v2's values for them. A model whose pooled vectors
 * give other numbers is not that model (or its export, tokenizer or pooling is wrong).
 */
import type { Embedder } from '../../stages/embedder.ts';
import { cosine } from './measures.ts';
import { type CheckItem, item } from './result.ts';

const SENTENCES = ['The weather is lovely today.', "It's so sunny outside!", 'He drove to the stadium.'];
/** sbert.net, "Usage" (docs/sentence_transformer/usage/usage.html): model.similarity for all-MiniLM-L6-v2. */
const PUBLISHED: [number, number, number][] = [
  [0, 1, 0.666],
  [0, 2, 0.1046],
  [1, 2, 0.1411],
];
const SOURCE =
  'published: sbert.net docs/sentence_transformer/usage/usage.html, all-MiniLM-L6-v2 similarities 0.6660, 0.1046, 0.1411';
/**
 * ±0.03: the fp32 ONNX export reproduces PyTorch to ~1e-3; the int8 variant (wasm default) moves
 * cosines by about 0.01. A wrong tokenizer, pooling or model moves them by tenths.
 */
export const SIMILARITY_TOLERANCE = 0.03;

export async function checkEmbedder(e: Embedder, signal?: AbortSignal): Promise<CheckItem[]> {
  const v = await e.embed(SENTENCES, { signal });
  return PUBLISHED.map(([i, j, want]) =>
    item({
      name: `similarity(s${i + 1}, s${j + 1})`,
      value: cosine(v, e.dim, i, j),
      threshold: want,
      op: 'near',
      tolerance: SIMILARITY_TOLERANCE,
      unit: 'cosine',
      source: SOURCE,
      detail: `"${SENTENCES[i]}" vs "${SENTENCES[j]}"`,
    }),
  );
}
