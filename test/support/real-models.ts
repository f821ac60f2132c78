/**
 * The real config and tokenizer files of the default models (`../shared/real-models/`, beside the
 * clone; provenance in its PROVENANCE.md), the manifests that name them, and independent oracles
 * (byte-level BPE, WordPiece) that derive token ids from the vocab and merges files themselves.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { type ModelManifest, parseManifest } from '../../src/models/manifest.ts';
import { TextTokenizer } from '../../src/models/tokenizer.ts';

const repo = new URL('../../', import.meta.url).pathname;
export const REAL = `${repo}../shared/real-models/`;

/** Fails the test file (never skips it) when the shared folder is not beside the clone. */
export function requireRealModels(): void {
  if (!existsSync(`${REAL}PROVENANCE.md`)) {
    throw new Error(
      `The real model files are missing: expected ${REAL}PROVENANCE.md (the shared/real-models folder ` +
        'beside the clone, read-only in CI). These tests read real tokenizers and configs from there.',
    );
  }
}

export const readReal = (path: string): Uint8Array => {
  const p = REAL + path;
  if (!existsSync(p)) throw new Error(`${p} is missing from the shared real-model files.`);
  return readFileSync(p);
};
// biome-ignore lint/suspicious/noExplicitAny: real config files are untyped JSON
export const jsonReal = (path: string): any => JSON.parse(new TextDecoder().decode(readReal(path)));
export const textReal = (path: string): string => new TextDecoder().decode(readReal(path));

/**
 * Hub repo → its files here. Byte-exact copies except where noted (PROVENANCE.md): the CLIP-L/14 and
 * MiniLM folders hold the originals the Xenova ports were converted from (same vocab and merges).
 */
const MIRROR: Record<string, string> = {
  'Xenova/clip-vit-base-patch16': 'clip-vit-base-patch16',
  'Xenova/clip-vit-large-patch14': 'clip-vit-large-patch14',
  'Xenova/all-MiniLM-L6-v2': 'all-MiniLM-L6-v2',
  'Xenova/vit-gpt2-image-captioning': 'vit-gpt2-image-captioning',
  'HuggingFaceTB/SmolVLM-256M-Instruct': 'SmolVLM-256M-Instruct',
};

/** The real copy of a manifest's file, found through the file's (or the model's) hub source. */
export function realPathOf(m: ModelManifest, path: string): string {
  const src = m.files[path]?.source;
  const hub = src && 'hub' in src ? src.hub : 'hub' in m.source ? m.source.hub : undefined;
  const inRepo = (src && 'hub' in src && src.path) || path;
  const folder = hub && MIRROR[hub];
  if (!folder) {
    throw new Error(`${m.id}: '${path}' comes from ${hub ?? 'no hub repo'}, which has no copy in ${REAL}.`);
  }
  return `${folder}/${inRepo}`;
}

/** The model's tokenizer exactly as openModel builds it: tokenizer.json, its config, the manifest's pad. */
export function manifestTokenizer(m: ModelManifest): TextTokenizer {
  if (!m.tokenizer) throw new Error(`${m.id} has no tokenizer`);
  const { json, config, pad } = m.tokenizer;
  return TextTokenizer.fromBytes(
    readReal(realPathOf(m, json)),
    config ? readReal(realPathOf(m, config)) : undefined,
    `${m.id} tokenizer`,
    pad,
  );
}

export function loadManifests(): ModelManifest[] {
  const dir = `${repo}models/`;
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => parseManifest(JSON.parse(readFileSync(dir + f, 'utf8')), f));
}

// ---- oracles --------------------------------------------------------------------------------------

/** GPT-2's byte → printable character table (bytes_to_unicode), shared by CLIP and SmolVLM. */
const BYTE_CHAR: string[] = (() => {
  const keep: number[] = [];
  for (let b = 33; b <= 126; b++) keep.push(b);
  for (let b = 161; b <= 172; b++) keep.push(b);
  for (let b = 174; b <= 255; b++) keep.push(b);
  const out: string[] = [];
  let extra = 0;
  for (let b = 0; b < 256; b++) out[b] = String.fromCodePoint(keep.includes(b) ? b : 256 + extra++);
  return out;
})();

export interface BpeFiles {
  vocab: Record<string, number>;
  /** merges.txt lines (its '#version' header skipped) or tokenizer.json's model.merges. */
  merges: string[];
}

/** Pre-tokenizer split patterns: CLIP (lower-cased text) and GPT-2 (also SmolVLM's, no digits here). */
export const CLIP_SPLIT = /'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+/gu;
export const GPT2_SPLIT = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/**
 * Byte-level BPE by merge rank, written from the algorithm (not the library under test): each
 * pre-token's UTF-8 bytes as characters, then the lowest-ranked adjacent pair merged until none is left.
 * `wordEnd` is CLIP's '</w>' on a word's last symbol.
 */
export function bpeOracle(f: BpeFiles, split: RegExp, wordEnd = ''): (text: string) => number[] {
  const rank = new Map(f.merges.map((m, i) => [m, i]));
  return (text) =>
    [...text.matchAll(split)].flatMap(([piece]) => {
      const chars = [...new TextEncoder().encode(piece)].map((b) => BYTE_CHAR[b]);
      let parts = chars.map((c, i) => (i === chars.length - 1 ? c + wordEnd : c));
      for (;;) {
        let best = -1;
        let bestRank = Infinity;
        for (let i = 0; i + 1 < parts.length; i++) {
          const r = rank.get(`${parts[i]} ${parts[i + 1]}`);
          if (r !== undefined && r < bestRank) [best, bestRank] = [i, r];
        }
        if (best < 0) break;
        const [a, b] = [parts[best], parts[best + 1]];
        const next: string[] = [];
        for (let i = 0; i < parts.length; i++) {
          if (i + 1 < parts.length && parts[i] === a && parts[i + 1] === b) {
            next.push(a + b);
            i++;
          } else next.push(parts[i]);
        }
        parts = next;
      }
      return parts.map((p) => {
        const id = f.vocab[p];
        if (id === undefined) throw new Error(`BPE oracle: '${p}' is not in the vocabulary`);
        return id;
      });
    });
}

/** merges.txt → merge lines (without the '#version: 0.2' header). */
export const mergesTxt = (text: string): string[] =>
  text.split('\n').filter((l, i) => l !== '' && !(i === 0 && l.startsWith('#version')));

/**
 * BERT uncased tokenisation from vocab.txt (line number = id): lower-case, split on whitespace and
 * punctuation, then greedy longest-match WordPiece with '##' continuations.
 */
export function wordPieceOracle(vocabTxt: string): (text: string) => number[] {
  const ids = new Map(vocabTxt.split('\n').map((w, i) => [w, i]));
  const id = (w: string) => ids.get(w) ?? ids.get('[UNK]')!;
  return (text) =>
    (text.toLowerCase().match(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu) ?? []).flatMap((word) => {
      const out: number[] = [];
      for (let start = 0; start < word.length; ) {
        let end = word.length;
        let found: number | undefined;
        for (; end > start; end--) {
          found = ids.get((start > 0 ? '##' : '') + word.slice(start, end));
          if (found !== undefined) break;
        }
        if (found === undefined) return [id('[UNK]')];
        out.push(found);
        start = end;
      }
      return out;
    });
}
