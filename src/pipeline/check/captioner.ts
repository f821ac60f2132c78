/**
 * Captioner: a free caption (no forced class prefix) of each bundled photo must name what the photo
 * shows. skimage documents the photos as "Chelsea the cat" and a coffee cup; a captioner that does
 * not say so on clean, centred photos cannot describe a dataset either.
 */
import type { Captioner } from '../../stages/captioner/captioner.ts';
import { namesAny } from './measures.ts';
import type { Photos } from './photos.ts';
import { type CheckItem, item } from './result.ts';

const SUBJECTS = [
  { photo: 'cat.jpg', name: 'names the cat', words: ['cat', 'cats', 'kitten', 'kitty', 'feline'] },
  {
    photo: 'coffee.jpg',
    name: 'names the coffee',
    words: ['coffee', 'cup', 'cups', 'mug', 'espresso', 'latte', 'cappuccino'],
  },
] as const;
const SOURCE =
  'photo provenance: skimage documents chelsea.png as "Chelsea the cat" and coffee.png as a coffee cup (skimage/data/_fetchers.py)';
/** Enough for a sentence; vit-gpt2's own tokenizer pads to 32, SmolVLM answers in a sentence. */
const MAX_TOKENS = 24;

export async function checkCaptioner(
  c: Captioner,
  photos: Photos,
  signal?: AbortSignal,
): Promise<CheckItem[]> {
  const out: CheckItem[] = [];
  for (const s of SUBJECTS) {
    const r = await c.caption(photos[s.photo], '', { prefix: '', maxNewTokens: MAX_TOKENS, signal });
    out.push(
      item({
        name: s.name,
        value: namesAny(r.text, s.words) ? 1 : 0,
        threshold: 1,
        op: 'min',
        unit: `(1 = the caption has one of: ${s.words.join(', ')})`,
        source: SOURCE,
        detail: `${s.photo}: "${r.text}"`,
      }),
    );
  }
  return out;
}
