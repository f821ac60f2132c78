/**
 * Class names and captions (ALGORITHM.md §1, §3): the display name of a class folder, the captioning
 * prefix "a photo of a <y> which", and the replace function r(k, y) that turns a caption of another
 * class into a prompt for class y.
 *
 * Out of scope, on purpose: plurals and other inflections ('cats' is not 'cat'), synonyms, and
 * hypernyms. A caption that only mentions its class that way falls back to the prefix rule below.
 */
import { ConfigError } from './errors.ts';

/** Separators that are equivalent inside a class name: whitespace, underscores, hyphens. */
const SEP_RE = /[\s_-]+/;
/** A letter, digit or combining mark: a class name match must not touch one on either side. */
const WORD_CHAR = '[\\p{L}\\p{N}\\p{M}]';

/**
 * Folder name → display name: strips a CUB-style numeric prefix ('001.Black_footed_Albatross'),
 * turns underscores and hyphens into spaces, collapses whitespace and trims.
 * Case: a word whose only capital is its first letter is lower-cased ('Leopards' → 'leopards',
 * 'Faces_easy' → 'faces easy') because it is capitalised by folder habit, not meaning; a word with
 * any other capital is kept as is (acronyms and brands: 'TV', 'iPod', 'McLaren', a lone 'T').
 * Matching in replaceClass is case-insensitive anyway, so this only shapes the prompt text.
 */
export function normaliseClassName(folder: string): string {
  const words = folder
    .normalize('NFC')
    .replace(/^\d+\.(?=\p{L})/u, '')
    .split(SEP_RE)
    .filter((w) => w.length > 0);
  return words.map((w) => (isTitleWord(w) ? w.toLowerCase() : w)).join(' ');
}

function isTitleWord(w: string): boolean {
  const capitals = w.match(/\p{Lu}/gu)?.length ?? 0;
  return capitals === 1 && /^\p{Lu}/u.test(w) && /\p{Ll}/u.test(w);
}

/**
 * 'an' when the phrase starts with a vowel letter a, e, i, o, u (accents ignored, any case), else 'a'.
 * A spelling heuristic, not phonetics: 'an unicorn', 'a hour glass' come out wrong; that is accepted
 * because prompts tolerate it and the rule is predictable for users and tests.
 */
export function articleFor(phrase: string): 'a' | 'an' {
  const first = phrase.trim().normalize('NFD').charAt(0).toLowerCase();
  return 'aeiou'.includes(first) && first !== '' ? 'an' : 'a';
}

/** The captioner's text prefix for class y, with the right article: 'a photo of an owl which'. */
export function captionPrefix(y: string): string {
  const name = cleanName(y);
  return `a photo of ${articleFor(name)} ${name} which`;
}

/**
 * r(k, y): put `toClass` wherever `caption` names `fromClass`.
 * - whole words only ('cat' never touches 'category' or 'bobcat'), case-insensitive;
 * - the words of a multi-word name may be separated by any run of spaces, underscores or hyphens;
 * - every occurrence is replaced; regex metacharacters in names are literal ('c++ book', 'st. bernard');
 * - an article a/an directly before the match is corrected for the new name, keeping its case
 *   ('A elephant' → 'An elephant', 'AN owl' → 'A cat'); an article further away is left alone;
 * - a match starting with a capital gets a capitalised replacement (sentence-initial 'Cat' → 'Dog').
 * If the caption never names `fromClass` (imported captions, plurals), the result is
 * captionPrefix(toClass) + ' ' + caption, so the prompt still names class y (ALGORITHM.md §3).
 */
export function replaceClass(caption: string, fromClass: string, toClass: string): string {
  const target = cleanName(toClass);
  const re = classRegExp(fromClass);
  let found = false;
  const out = caption.replace(
    re,
    (_m, article: string | undefined, space: string | undefined, cls: string) => {
      found = true;
      const name = /^\p{Lu}/u.test(cls) ? upperFirst(target) : target;
      return article === undefined ? name : withCaseOf(articleFor(name), article) + space + name;
    },
  );
  if (found) return out;
  const rest = caption.trim();
  return rest ? `${captionPrefix(target)} ${rest}` : captionPrefix(target);
}

/** True when `caption` names `className` as whole words (same matching rules as replaceClass). */
export function mentionsClass(caption: string, className: string): boolean {
  return classRegExp(className).test(caption);
}

/** Groups: 1 = article (optional), 2 = whitespace after it, 3 = the class name as written. */
function classRegExp(className: string): RegExp {
  const words = className
    .normalize('NFC')
    .split(SEP_RE)
    .filter((w) => w.length > 0);
  if (words.length === 0) throw new ConfigError(`Class name '${className}' is empty.`);
  const body = words.map(escapeRegExp).join('[\\s_-]+');
  return new RegExp(`(?<!${WORD_CHAR})(?:(an?)(\\s+))?(${body})(?!${WORD_CHAR})`, 'giu');
}

/** Escape the characters that are syntax in a `u`-mode RegExp (identity escapes of others are errors). */
export function escapeRegExp(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

/** Underscores are spaces; whitespace collapsed. Case is the caller's (use normaliseClassName first). */
function cleanName(name: string): string {
  const s = name.normalize('NFC').replace(/_/g, ' ').replace(/\s+/g, ' ').trim();
  if (!s) throw new ConfigError(`Class name '${name}' is empty.`);
  return s;
}

function upperFirst(s: string): string {
  const first = String.fromCodePoint(s.codePointAt(0)!);
  return first.toUpperCase() + s.slice(first.length);
}

/** 'a'/'an' in the case of the article it replaces: 'an' | 'An' | 'AN' (a lone 'A' counts as capitalised). */
function withCaseOf(article: 'a' | 'an', original: string): string {
  if (original.length > 1 && original === original.toUpperCase()) return article.toUpperCase();
  return /^[A-Z]/.test(original) ? upperFirst(article) : article;
}
