import { describe, expect, it } from 'vitest';
import { BadDatasetError } from '../../src/core/errors.ts';
import { csvRows, parseCaptions } from '../../src/stages/captioner/import.ts';

describe('caption import (captions made elsewhere, e.g. BLIP-2 in Python)', () => {
  it('JSON object {image: caption}', () => {
    const m = parseCaptions(
      '{"cat/1.jpg": "a photo of a cat which  sleeps", "dog/2.jpg": "a dog"}',
      'caps.json',
    );
    expect([...m]).toEqual([
      ['cat/1.jpg', 'a photo of a cat which sleeps'],
      ['dog/2.jpg', 'a dog'],
    ]);
  });

  it('JSON array of {image, caption} (or file/text)', () => {
    const m = parseCaptions('[{"image":"a.png","caption":"x"},{"file":"b.png","text":"y"}]', 'caps.json');
    expect(Object.fromEntries(m)).toEqual({ 'a.png': 'x', 'b.png': 'y' });
  });

  it('CSV with quotes, commas, doubled quotes, newlines, CRLF and a BOM', () => {
    const csv =
      '\uFEFFid,image,caption\r\n1,a.jpg,"a photo of a cat which, says ""hi"""\r\n2,b.jpg,"two\nlines"\n\n';
    expect(Object.fromEntries(parseCaptions(csv, 'caps.csv'))).toEqual({
      'a.jpg': 'a photo of a cat which, says "hi"',
      'b.jpg': 'two lines',
    });
    expect(csvRows('a,b\n1,')).toEqual([
      ['a', 'b'],
      ['1', ''],
    ]);
  });

  it('refuses bad files naming the file, the row and the problem', () => {
    const bad: [string, string, RegExp][] = [
      ['{"a.jpg": ""}', 'c.json', /c\.json: key 'a\.jpg': the caption of 'a\.jpg' is empty/],
      [
        '[{"image":"a.jpg","caption":"x"},{"image":"a.jpg","caption":"y"}]',
        'c.json',
        /item 1: 'a\.jpg' has a second caption/,
      ],
      ['{not json', 'c.json', /c\.json: is not valid JSON/],
      ['name,words\na,b', 'c.csv', /header must name an image column/],
      ['image,caption\na.jpg,"open', 'c.csv', /quoted field is not closed/],
      ['image,caption\na.jpg,', 'c.csv', /row 2: the caption of 'a\.jpg' is empty/],
      ['[]', 'c.json', /has no captions/],
    ];
    for (const [text, file, re] of bad) {
      const err = (() => {
        try {
          parseCaptions(text, file);
        } catch (e) {
          return e as Error;
        }
      })();
      expect(err, text).toBeInstanceOf(BadDatasetError);
      expect(err!.message).toMatch(re);
    }
  });
});
