/**
 * The two ways the core receives a labelled set of images, and the conversion between them.
 * - labels: `labels[i]` is the class of image `i` (a plain array or a typed array);
 * - by class: `byClass[k]` lists the image indices of class `k`.
 * Profiles and splits work per class, so everything is converted to `byClass` first, with each list
 * sorted ascending: the result of a seeded selection must not depend on the order images arrived in.
 */
import { ConfigError } from './errors.ts';

export type ByClass = readonly (readonly number[])[];
export type ClassSource = ArrayLike<number> | ByClass;

/**
 * Group image indices by label. `indices` restricts to a subset (e.g. the training images);
 * `numClasses` keeps trailing classes that have no images (otherwise max label + 1).
 */
export function groupByClass(
  labels: ArrayLike<number>,
  indices?: readonly number[],
  numClasses?: number,
): number[][] {
  const idx = indices ?? Array.from({ length: labels.length }, (_, i) => i);
  let C = numClasses ?? 0;
  if (numClasses === undefined) {
    for (const i of idx) C = Math.max(C, labels[i] + 1);
  }
  const out: number[][] = Array.from({ length: C }, () => []);
  for (const i of idx) {
    if (!Number.isInteger(i) || i < 0 || i >= labels.length) {
      throw new ConfigError(`Image index ${i} is outside the dataset (0..${labels.length - 1}).`);
    }
    const y = labels[i];
    if (!Number.isInteger(y) || y < 0 || y >= C) {
      throw new ConfigError(`Image ${i} has label ${y}; labels must be integers in 0..${C - 1}.`);
    }
    out[y].push(i);
  }
  for (const list of out) list.sort((a, b) => a - b);
  return out;
}

/** Accept either form; returns fresh, sorted per-class lists. Rejects an image listed twice. */
export function toByClass(src: ClassSource): number[][] {
  if (src.length === 0) return [];
  if (!Array.isArray(src[0])) return groupByClass(src as ArrayLike<number>);
  const seen = new Set<number>();
  return (src as ByClass).map((list, k) => {
    if (!Array.isArray(list)) throw new ConfigError(`Class ${k}: expected a list of image indices.`);
    for (const i of list) {
      if (!Number.isInteger(i) || i < 0) throw new ConfigError(`Class ${k}: bad image index ${i}.`);
      if (seen.has(i)) throw new ConfigError(`Image ${i} is listed in more than one class (or twice).`);
      seen.add(i);
    }
    return [...list].sort((a, b) => a - b);
  });
}

/** How a class is named in messages: its name when known, else its index. */
export function describeClass(k: number, names?: readonly string[]): string {
  return names?.[k] !== undefined ? `'${names[k]}' (class ${k})` : `class ${k}`;
}

/** Flatten per-class lists into one ascending list of image indices. */
export function flatten(byClass: ByClass): number[] {
  return byClass.flat().sort((a, b) => a - b);
}
