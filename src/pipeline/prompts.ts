/**
 * The candidate jobs of ALGORITHM.md §5, for every training image x of class y:
 * - local j: G(x; caption of a random x' of class y, x' ≠ x when the class has another image);
 * - transfer j: G(x; r(k, y)), k = the caption of a random image of a random class in neigh(y);
 * - prompt j (DA-Fusion's baseline, §10): G(x; "a photo of a <y>"), the same fixed prompt for every
 *   image of the class; only its generation seed differs from one j to the next.
 * Each job's choices and its generation seed come from Rng(seed) forked by (source, image hash, j):
 * the seed never depends on the rest of the run, the prompt only on the class pools it draws from, so
 * re-running the same settings gives the same jobs and their cache keys find them again.
 */
import { captionPrefix, replaceClass } from '../core/caption.ts';
import { Rng } from '../core/rng.ts';

export type CandidateSource = 'local' | 'transfer' | 'prompt';

/** DA-Fusion's fixed prompt for class y, "a photo of a <y>" (the captioner's prefix without "which"). */
export function classPrompt(className: string): string {
  return captionPrefix(className).replace(/ which$/, '');
}

export interface CandidateJob {
  /** The image generated from (index into the run's images). */
  n: number;
  source: CandidateSource;
  j: number;
  prompt: string;
  /** Whose caption the prompt came from. */
  promptFrom: number;
  seed: number;
}

export interface PromptInputs {
  /** train ∪ valid image indices: captions come only from these (never the test split). */
  pool: readonly number[];
  labels: readonly number[];
  classes: readonly string[];
  hashes: readonly string[];
  captions: ReadonlyMap<number, string>;
  /** neigh(y), most similar first. */
  neighbours: readonly (readonly number[])[];
  kLocal: number;
  kTransfer: number;
  /** DA-Fusion candidates per image (0 when no selected method draws from 'prompt'). */
  kPrompt?: number;
  seed: number;
}

export function planCandidates(p: PromptInputs): CandidateJob[] {
  const byClass = p.classes.map((_, k) => p.pool.filter((n) => p.labels[n] === k));
  // each image's place in its class list, so "another image of the class" is drawn without building
  // the list of the others for every job (that was O(N²/C) garbage: +0.4 GB at 20,000 images)
  const place = new Map<number, number>();
  for (const list of byClass) for (const [i, n] of list.entries()) place.set(n, i);
  const caption = (n: number) => p.captions.get(n) ?? '';
  const jobs: CandidateJob[] = [];
  for (const n of p.pool) {
    const y = p.labels[n];
    for (let j = 0; j < p.kLocal; j++) {
      const rng = new Rng(p.seed).fork(`local:${p.hashes[n]}:${j}`);
      // the r-th of the class's other images (the class list without n, in order)
      const list = byClass[y];
      const others = list.length - (place.has(n) ? 1 : 0);
      let from = n;
      if (others > 0) {
        const r = rng.int(others);
        from = list[place.has(n) && r >= (place.get(n) as number) ? r + 1 : r];
      }
      jobs.push({ n, source: 'local', j, prompt: caption(from), promptFrom: from, seed: rng.nextU32() });
    }
    const neigh = p.neighbours[y].filter((k) => byClass[k].length > 0);
    for (let j = 0; j < p.kTransfer; j++) {
      const rng = new Rng(p.seed).fork(`transfer:${p.hashes[n]}:${j}`);
      if (neigh.length === 0) {
        // One class only: no neighbour to borrow from, so the image's own caption stands in.
        jobs.push({ n, source: 'transfer', j, prompt: caption(n), promptFrom: n, seed: rng.nextU32() });
        continue;
      }
      const k = neigh[rng.int(neigh.length)];
      const from = byClass[k][rng.int(byClass[k].length)];
      const prompt = replaceClass(caption(from), p.classes[k], p.classes[y]);
      jobs.push({ n, source: 'transfer', j, prompt, promptFrom: from, seed: rng.nextU32() });
    }
    for (let j = 0; j < (p.kPrompt ?? 0); j++) {
      const rng = new Rng(p.seed).fork(`prompt:${p.hashes[n]}:${j}`);
      jobs.push({
        n,
        source: 'prompt',
        j,
        prompt: classPrompt(p.classes[y]),
        promptFrom: n,
        seed: rng.nextU32(),
      });
    }
  }
  return jobs;
}
