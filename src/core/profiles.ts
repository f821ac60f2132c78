/**
 * Dataset profiles (ALGORITHM.md §2): which training images a benchmark run keeps.
 * - imbalanced:f — classes in a seeded random order i = 0..C-1; class i keeps
 *   n_i = max(2, floor(c · f^(i/(C-1)))) images, c = size of the smallest source class;
 * - lowshot:k — k images per class;
 * - full — everything.
 * Images within a class are drawn by a per-class seeded shuffle that does not depend on the profile,
 * so for one seed the selections nest: lowshot:4 ⊂ lowshot:8, and imbalanced:0.1 ⊂ imbalanced:0.5.
 */
import { type ClassSource, describeClass, flatten, toByClass } from './classes.ts';
import { ConfigError } from './errors.ts';
import { Rng } from './rng.ts';

export type Profile =
  | { kind: 'imbalanced'; factor: number }
  | { kind: 'lowshot'; shots: number }
  | { kind: 'full' };

export interface ProfileSelection {
  /** Selected image indices, ascending. */
  indices: number[];
  /** Selected image indices per class, ascending. */
  byClass: number[][];
  /** Number of selected images per class. */
  counts: number[];
  /** imbalanced only: order[i] = the class placed at position i (it keeps n_i images). */
  order?: number[];
}

/**
 * Relative slack before flooring. c·f^(i/(C-1)) is often an exact integer on paper but lands just
 * below it in floating point (50·0.58 = 28.999999999999996), and a plain floor would drop an image.
 * 1e-9 is far above double rounding error and far below any real fractional part at these sizes.
 */
const FLOOR_EPS = 1e-9;

/** Per-position image counts of the imbalanced profile (position i, not class i). */
export function imbalancedCounts(c: number, f: number, C: number): number[] {
  if (!Number.isInteger(c) || c < 2) {
    throw new ConfigError(
      `Imbalanced profile: the smallest class must have at least 2 images (it has ${c}).`,
    );
  }
  if (!(f > 0 && f <= 1)) throw new ConfigError(`Imbalance factor must be in (0, 1], got ${f}.`);
  if (!Number.isInteger(C) || C < 1) throw new ConfigError(`Number of classes must be >= 1, got ${C}.`);
  if (C === 1) return [c];
  return Array.from({ length: C }, (_, i) => {
    const x = c * f ** (i / (C - 1));
    return Math.max(2, Math.floor(x * (1 + FLOOR_EPS)));
  });
}

/**
 * Select the images a profile keeps. `source` is per-image labels or per-class index lists (see
 * classes.ts); `classNames` only improves error messages. Throws ConfigError when a class is too
 * small for the profile, naming the class.
 */
export function applyProfile(
  source: ClassSource,
  profile: Profile,
  seed: number,
  classNames?: readonly string[],
): ProfileSelection {
  const byClass = toByClass(source);
  const C = byClass.length;
  if (C === 0) throw new ConfigError('The dataset has no classes.');
  const rng = new Rng(seed);
  // One shuffled list per class, independent of the profile: every profile takes a prefix of it.
  const shuffled = byClass.map((list, k) => rng.fork(`profile-images:${k}`).shuffle([...list]));
  const take = (k: number, n: number) => shuffled[k].slice(0, n).sort((a, b) => a - b);

  let keep: number[];
  let order: number[] | undefined;
  if (profile.kind === 'full') {
    keep = byClass.map((l) => l.length);
  } else if (profile.kind === 'lowshot') {
    checkShots(profile.shots);
    keep = byClass.map((l, k) => {
      if (l.length < profile.shots) {
        throw new ConfigError(
          `Low-shot profile needs ${profile.shots} images per class, but ${describeClass(k, classNames)} has ${l.length}.`,
        );
      }
      return profile.shots;
    });
  } else if (profile.kind === 'imbalanced') {
    let smallest = 0;
    byClass.forEach((l, k) => {
      if (l.length < byClass[smallest].length) smallest = k;
    });
    const c = byClass[smallest].length;
    if (c < 2) {
      throw new ConfigError(
        `Imbalanced profile needs at least 2 images in every class, but ${describeClass(smallest, classNames)} has ${c}.`,
      );
    }
    const counts = imbalancedCounts(c, profile.factor, C);
    order = rng.fork('profile-order').shuffle(Array.from({ length: C }, (_, i) => i));
    keep = new Array<number>(C);
    order.forEach((k, i) => {
      keep[k] = counts[i];
    });
  } else {
    throw new ConfigError(`Unknown profile ${JSON.stringify(profile)}.`);
  }
  const selected = keep.map((n, k) => take(k, n));
  return {
    indices: flatten(selected),
    byClass: selected,
    counts: selected.map((l) => l.length),
    ...(order ? { order } : {}),
  };
}

function checkShots(k: number): void {
  if (!Number.isInteger(k) || k < 1)
    throw new ConfigError(`Low-shot images per class must be an integer >= 1, got ${k}.`);
}

const USAGE =
  "Use 'full', 'imbalanced:<factor in (0,1]>' (e.g. imbalanced:0.1) or 'lowshot:<k>' (e.g. lowshot:4).";

/** Parse 'full' | 'imbalanced:0.1' | 'lowshot:4' (case and surrounding spaces ignored). */
export function parseProfile(text: string): Profile {
  const s = text.trim().toLowerCase();
  if (s === 'full') return { kind: 'full' };
  const m = /^(imbalanced|lowshot)\s*:\s*(\S+)$/.exec(s);
  if (!m) throw new ConfigError(`Unknown dataset profile '${text}'. ${USAGE}`);
  const arg = m[2];
  if (m[1] === 'lowshot') {
    if (!/^\d+$/.test(arg) || Number(arg) < 1) {
      throw new ConfigError(`Low-shot profile '${text}': k must be a whole number >= 1. ${USAGE}`);
    }
    return { kind: 'lowshot', shots: Number(arg) };
  }
  // A plain decimal (0.1, .5, 1, 1e-2); Number() alone would also accept '0x1' or 'Infinity'.
  const f = /^(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/.test(arg) ? Number(arg) : Number.NaN;
  if (!(f > 0 && f <= 1)) {
    throw new ConfigError(`Imbalanced profile '${text}': the factor must be a number in (0, 1]. ${USAGE}`);
  }
  return { kind: 'imbalanced', factor: f };
}

/** Canonical text of a profile (for cache keys and reports); parseProfile(formatProfile(p)) equals p. */
export function formatProfile(p: Profile): string {
  if (p.kind === 'full') return 'full';
  return p.kind === 'lowshot' ? `lowshot:${p.shots}` : `imbalanced:${p.factor}`;
}
