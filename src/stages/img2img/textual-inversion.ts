/**
 * Injects textual-inversion tokens (ALGORITHM §5, DA-Fusion's load_embeddings): each new token is
 * appended to the tokenizer's added tokens with the next free id, and its vector written at that
 * row of the text encoder's token-embedding initializer, grown to fit. Prompts then use `<class>`;
 * multi-vector tokens expand to `<t> <t>_1 …` before tokenising (diffusers maybe_convert_prompt).
 */
import { ConfigError } from '../../core/errors.ts';
import { readInitializer, replaceInitializer } from './onnx-edit.ts';
import type { TokenEmbedding } from './ti-file.ts';

export const TOKEN_EMBEDDING = 'text_model.embeddings.token_embedding.weight';

interface TokenizerJson {
  added_tokens?: { id: number; content: string }[];
  model: { vocab: Record<string, number> };
}

export interface InjectResult {
  tokenizerJson: unknown;
  textEncoder: Uint8Array;
  /** Token → id, in insertion order (multi-vector tokens give token, token_1, …). */
  ids: Map<string, number>;
  /** Token → how many vectors it has, for expandPrompt. */
  vectors: Map<string, number>;
}

const subTokens = (e: TokenEmbedding) => e.vectors.map((_, i) => (i === 0 ? e.token : `${e.token}_${i}`));

export function injectTextualInversion(
  tokenizerJson: unknown,
  textEncoder: Uint8Array,
  embeddings: readonly TokenEmbedding[],
  initializer = TOKEN_EMBEDDING,
): InjectResult {
  const tok = structuredClone(tokenizerJson) as TokenizerJson;
  tok.added_tokens ??= [];
  const added = tok.added_tokens;
  const known = new Set([...Object.keys(tok.model.vocab), ...added.map((a) => a.content)]);
  // the next id after every id in use (a loop: a 49408-entry spread can overflow argument limits)
  let next = 0;
  for (const id of Object.values(tok.model.vocab)) next = Math.max(next, id + 1);
  for (const a of added) next = Math.max(next, a.id + 1);
  const table = readInitializer(textEncoder, initializer);
  const ids = new Map<string, number>();
  const rows: [number, Float32Array][] = [];
  for (const e of embeddings) {
    subTokens(e).forEach((t, i) => {
      if (known.has(t) || ids.has(t)) {
        throw new ConfigError(
          `${e.file ?? 'textual inversion'}: '${t}' is already in the tokenizer; rename the token.`,
        );
      }
      if (e.vectors[i].length !== table.cols) {
        throw new ConfigError(
          `${e.file ?? 'textual inversion'}: '${t}' has ${e.vectors[i].length} values, but the text encoder's embeddings have ${table.cols} (wrong base model?).`,
        );
      }
      ids.set(t, next);
      rows.push([next, e.vectors[i]]);
      added.push({
        id: next,
        content: t,
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: false,
        special: false,
      } as never);
      next++;
    });
  }
  const total = Math.max(table.rows, next);
  const data = new Float32Array(total * table.cols);
  data.set(table.data);
  for (const [id, v] of rows) data.set(v, id * table.cols);
  return {
    tokenizerJson: tok,
    textEncoder: replaceInitializer(textEncoder, initializer, { ...table, rows: total, data }),
    ids,
    vectors: new Map(embeddings.map((e) => [e.token, e.vectors.length])),
  };
}

/** `<t>` → `<t> <t>_1 …` for multi-vector tokens; other text unchanged. */
export function expandPrompt(prompt: string, vectors: ReadonlyMap<string, number>): string {
  let out = prompt;
  for (const [t, n] of vectors) {
    if (n < 2) continue;
    const all = Array.from({ length: n }, (_, i) => (i === 0 ? t : `${t}_${i}`)).join(' ');
    out = out.split(t).join(all);
  }
  return out;
}
