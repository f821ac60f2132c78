import { describe, expect, it } from 'vitest';
import {
  articleFor,
  captionPrefix,
  escapeRegExp,
  mentionsClass,
  normaliseClassName,
  replaceClass,
} from '../../src/core/caption.ts';
import { ConfigError } from '../../src/core/errors.ts';

describe('normaliseClassName', () => {
  it.each([
    ['teddy_bear', 'teddy bear'],
    ['  golden__retriever  ', 'golden retriever'],
    ['sea-lion', 'sea lion'],
    ['hot\tair \n balloon', 'hot air balloon'],
    ['Faces_easy', 'faces easy'],
    ['Leopards', 'leopards'],
    ['001.Black_footed_Albatross', 'black footed albatross'],
    ['TV_monitor', 'TV monitor'],
    ['iPod', 'iPod'],
    ['McLaren_car', 'McLaren car'],
    ['T-shirt/top', 'T shirt/top'],
    ['st._bernard', 'st. bernard'],
    ['3.5_floppy', '3.5 floppy'],
    ['102', '102'],
  ])('%j → %j', (folder, name) => {
    expect(normaliseClassName(folder)).toBe(name);
  });
});

describe('articleFor / captionPrefix', () => {
  it('uses "an" before a vowel letter, "a" otherwise', () => {
    expect(articleFor('elephant')).toBe('an');
    expect(articleFor('Owl')).toBe('an');
    expect(articleFor('umbrella')).toBe('an');
    expect(articleFor('Éclair')).toBe('an');
    expect(articleFor('yak')).toBe('a');
    expect(articleFor('8 ball')).toBe('a');
    expect(articleFor('unicorn')).toBe('an'); // documented limit of the spelling heuristic
    expect(articleFor('')).toBe('a');
  });

  it('builds the captioner prefix', () => {
    expect(captionPrefix('cat')).toBe('a photo of a cat which');
    expect(captionPrefix('elephant')).toBe('a photo of an elephant which');
    expect(captionPrefix('teddy_bear')).toBe('a photo of a teddy bear which');
    expect(captionPrefix('  ice   cream ')).toBe('a photo of an ice cream which');
    expect(() => captionPrefix(' _ ')).toThrow(ConfigError);
  });
});

describe('replaceClass r(k, y)', () => {
  it('replaces the class in a prefixed caption and fixes the article', () => {
    expect(replaceClass('a photo of a cat which is sleeping on a sofa', 'cat', 'elephant')).toBe(
      'a photo of an elephant which is sleeping on a sofa',
    );
    expect(replaceClass('a photo of an owl which sits on a branch', 'owl', 'dog')).toBe(
      'a photo of a dog which sits on a branch',
    );
    expect(replaceClass('a photo of a dog which runs', 'dog', 'wolf')).toBe('a photo of a wolf which runs');
  });

  it('replaces every occurrence, case-insensitively', () => {
    expect(replaceClass('a cat next to a CAT and a Cat.', 'cat', 'owl')).toBe(
      'an owl next to an Owl and an Owl.',
    );
  });

  it('keeps the case of the article and of a capitalised match', () => {
    expect(replaceClass('A cat on a mat', 'cat', 'elephant')).toBe('An elephant on a mat');
    expect(replaceClass('An owl. AN owl.', 'owl', 'cat')).toBe('A cat. A cat.');
    expect(replaceClass('Cat on the mat', 'cat', 'dog')).toBe('Dog on the mat');
    expect(replaceClass('AN owl', 'owl', 'emu')).toBe('AN emu'); // all-caps article stays all caps
    expect(replaceClass('A Cat', 'cat', 'German shepherd')).toBe('A German shepherd');
  });

  it('fixes only an article directly before the name', () => {
    expect(replaceClass('a big cat', 'cat', 'elephant')).toBe('a big elephant');
    expect(replaceClass('the cat and an old cat', 'cat', 'owl')).toBe('the owl and an old owl');
    expect(replaceClass('a  cat', 'cat', 'owl')).toBe('an  owl'); // spacing after the article kept
  });

  it('does not treat the end of another word as an article', () => {
    expect(replaceClass('a banana cat', 'cat', 'owl')).toBe('a banana owl');
    expect(replaceClass('Ba cat', 'cat', 'owl')).toBe('Ba owl');
  });

  it('matches whole words only', () => {
    const k = 'a category of bobcat cats, catalogued; the cat sat';
    expect(replaceClass(k, 'cat', 'dog')).toBe('a category of bobcat cats, catalogued; the dog sat');
    expect(replaceClass('scattered cat2 cat_ cat', 'cat', 'dog')).toBe('scattered cat2 dog_ dog');
  });

  it('treats punctuation as a word boundary', () => {
    expect(replaceClass("the cat's tail (cat) cat-like", 'cat', 'dog')).toBe("the dog's tail (dog) dog-like");
  });

  it('handles multi-word names with any separator between the words', () => {
    const want = 'a photo of an ice bear which is big';
    for (const k of [
      'a photo of a teddy bear which is big',
      'a photo of a teddy  bear which is big',
      'a photo of a teddy_bear which is big',
      'a photo of a Teddy-Bear which is big',
      'a photo of a teddy\nbear which is big',
    ]) {
      expect(replaceClass(k, 'teddy bear', 'ice bear').toLowerCase()).toBe(want);
    }
    expect(replaceClass('a teddy bear', 'teddy_bear', 'golden_retriever')).toBe('a golden retriever');
    expect(replaceClass('a teddy is not a teddy bear', 'teddy bear', 'owl')).toBe('a teddy is not an owl');
  });

  it('escapes regex metacharacters in class names', () => {
    expect(replaceClass('a photo of a c++ book which is open', 'c++ book', 'atlas')).toBe(
      'a photo of an atlas which is open',
    );
    expect(replaceClass('a photo of a st. bernard which sleeps', 'st. bernard', 'pug')).toBe(
      'a photo of a pug which sleeps',
    );
    // '.' must not match any character
    expect(replaceClass('a stX bernard', 'st. bernard', 'pug')).toBe('a photo of a pug which a stX bernard');
    expect(replaceClass('a (rare) fish', '(rare) fish', 'eel')).toBe('an eel');
    expect(replaceClass('a cat', 'cat', 'price $& tag')).toBe('a price $& tag'); // no $ patterns
    expect(escapeRegExp('a.b*c+(d)[e]{f}|g^h$i\\j/k?')).toBe(
      'a\\.b\\*c\\+\\(d\\)\\[e\\]\\{f\\}\\|g\\^h\\$i\\\\j\\/k\\?',
    );
  });

  it('prepends the prefix when the caption does not name the source class', () => {
    expect(replaceClass('two cats on a sofa', 'cat', 'owl')).toBe(
      'a photo of an owl which two cats on a sofa',
    );
    expect(replaceClass('  sitting on grass ', 'dog', 'teddy_bear')).toBe(
      'a photo of a teddy bear which sitting on grass',
    );
    expect(replaceClass('', 'dog', 'owl')).toBe('a photo of an owl which');
  });

  it('handles non-ASCII names', () => {
    expect(replaceClass('a photo of a crème brûlée which is sweet', 'crème brûlée', 'éclair')).toBe(
      'a photo of an éclair which is sweet',
    );
    expect(replaceClass('a café au lait', 'café', 'tea')).toBe('a tea au lait');
    expect(replaceClass('cafés', 'café', 'tea')).toBe('a photo of a tea which cafés');
  });

  it('rejects empty class names', () => {
    expect(() => replaceClass('a cat', ' ', 'dog')).toThrow(ConfigError);
    expect(() => replaceClass('a cat', 'cat', '__')).toThrow(ConfigError);
  });
});

describe('mentionsClass', () => {
  it('uses the same whole-word rules', () => {
    expect(mentionsClass('A Teddy_Bear here', 'teddy bear')).toBe(true);
    expect(mentionsClass('a category', 'cat')).toBe(false);
    expect(mentionsClass('bobcat', 'cat')).toBe(false);
  });
});
