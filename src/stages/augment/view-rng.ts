/**
 * The generator of view k of one image of a view source, forked from the data seed by (source, image,
 * k) only: a view never depends on batching, on other sources or on the rest of the dataset. The image
 * is named by its index in a fixed bank (the experiment) or by its content hash (a run's cached views).
 */
import { Rng } from '../../core/rng.ts';

export function viewRng(seed: number, source: string, image: number | string, k: number): Rng {
  return new Rng(seed).fork(`${source}:${image}:${k}`);
}
