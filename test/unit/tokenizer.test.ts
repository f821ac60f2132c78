import { describe, expect, it } from 'vitest';
import { BERT_SPECIAL, bertTokenizer, bpeTokenizer, WORDS } from '../../models/fixtures/tokenizers.ts';
import { ConfigError } from '../../src/core/errors.ts';
import { TextTokenizer } from '../../src/models/tokenizer.ts';

const bert = () => {
  const t = bertTokenizer();
  return new TextTokenizer(t.json, t.config);
};
/** Ids as the fixture vocab assigns them: words from 104 on, then '##s', '##ing'. */
const w = (word: string) => (word === '##s' ? 104 + WORDS.length : 104 + WORDS.indexOf(word));

describe('TextTokenizer over @huggingface/tokenizers', () => {
  it('WordPiece (MiniLM layout): lower-cases, splits punctuation and suffixes, adds [CLS]/[SEP]', () => {
    const t = bert();
    expect(t.encode('A Photo of a Cats, which')).toEqual([
      BERT_SPECIAL.cls,
      w('a'),
      w('photo'),
      w('of'),
      w('a'),
      w('cat'),
      w('##s'),
      w(','),
      w('which'),
      BERT_SPECIAL.sep,
    ]);
    expect(t.encode('zebra')).toEqual([101, BERT_SPECIAL.unk, 102]);
    expect(t.decode(t.encode('the sea lion'))).toBe('the sea lion');
    expect(t.padId).toBe(0);
  });

  it('pads a batch to its longest row with [PAD] and mask 0; token types all 0', () => {
    const t = bert();
    const b = t.encodeBatch(['sea lion', 'owl', 'a red car'], { maxLength: 16 });
    expect(b.inputIds.dims).toEqual([3, 5]);
    expect(b.lengths).toEqual([4, 3, 5]);
    expect([...b.inputIds.data].map(Number)).toEqual([
      101,
      w('sea'),
      w('lion'),
      102,
      0,
      101,
      w('owl'),
      102,
      0,
      0,
      101,
      w('a'),
      w('red'),
      w('car'),
      102,
    ]);
    expect([...b.attentionMask.data].map(Number)).toEqual([1, 1, 1, 1, 0, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1]);
    expect([...b.tokenTypeIds.data].every((x) => x === 0n)).toBe(true);
    expect(t.encodeBatch(['owl'], { maxLength: 6, padding: 'max_length' }).inputIds.dims).toEqual([1, 6]);
  });

  it('truncates to maxLength keeping [SEP] last', () => {
    const t = bert();
    const b = t.encodeBatch(['a photo of a cat which is sitting on the mat'], { maxLength: 5 });
    expect([...b.inputIds.data].map(Number)).toEqual([101, w('a'), w('photo'), w('of'), 102]);
  });

  it('byte-level BPE (GPT-2 layout): words with the space marker, special tokens whole, lossless decode', () => {
    const f = bpeTokenizer(['<|endoftext|>', '<image>']);
    const t = new TextTokenizer(f.json, f.config);
    const ids = t.encode('a photo of a cat which', false);
    expect(ids.length).toBe(6); // a, Ġphoto, Ġof, Ġa, Ġcat, Ġwhich
    const img = t.tokenId('<image>')!;
    expect(t.encode('x<image><image>y', false).filter((i) => i === img).length).toBe(2);
    const odd = 'Zürich 3.5°C — naïve';
    expect(t.decode(t.encode(odd, false))).toBe(odd); // unlisted text round-trips byte by byte
    expect(t.decode([...ids, t.tokenId('<|endoftext|>')!])).toBe('a photo of a cat which');
  });

  it('a broken tokenizer.json is a ConfigError naming the model', () => {
    expect(() => TextTokenizer.fromBytes(new TextEncoder().encode('{nope'), undefined, 'tiny')).toThrow(
      ConfigError,
    );
    expect(() => TextTokenizer.fromBytes(new TextEncoder().encode('{nope'), undefined, 'tiny')).toThrow(
      /tiny/,
    );
  });
});
