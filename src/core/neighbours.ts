/**
 * Neighbour classes neigh(y) (ALGORITHM.md §4): the m classes whose name embeddings are most
 * cosine-similar to y's, excluding y, with m = min(m, C-1).
 * Sums are accumulated in float64 from float32 inputs, so near-ties between classes are ranked by
 * the true similarity rather than float32 rounding. Cosine divides by both norms, so imported
 * embeddings that are not L2-normalised (unlike the embedder's) give the same neighbours.
 */
import { ConfigError } from './errors.ts';

/** One vector per class, or all of them back to back in one flat array (then `dim` is required). */
export type Embeddings = readonly ArrayLike<number>[] | Float32Array;

export interface NeighbourLists {
  /** indices[y] = the neighbour classes of y, most similar first. */
  indices: number[][];
  /** scores[y][j] = cosine similarity between y and indices[y][j]. */
  scores: number[][];
  /** The m actually used: min(requested, C-1). */
  m: number;
}

function rows(vectors: Embeddings, dim?: number): ArrayLike<number>[] {
  if (vectors instanceof Float32Array) {
    if (!Number.isInteger(dim) || (dim as number) < 1) {
      throw new ConfigError(`A flat embedding array needs dim >= 1, got ${dim}.`);
    }
    const d = dim as number;
    if (vectors.length % d !== 0) {
      throw new ConfigError(`Embedding array length ${vectors.length} is not a multiple of dim ${d}.`);
    }
    return Array.from({ length: vectors.length / d }, (_, i) => vectors.subarray(i * d, (i + 1) * d));
  }
  const out = [...vectors];
  const d = out[0]?.length ?? 0;
  out.forEach((v, i) => {
    if (v.length !== d) throw new ConfigError(`Embedding ${i} has length ${v.length}, expected ${d}.`);
  });
  return out;
}

/**
 * C×C cosine similarities, exactly symmetric, clamped to [-1, 1]. A zero vector has similarity 0
 * with everything (itself included) instead of NaN, so a class with an empty name cannot poison
 * the ranking. Non-finite inputs are rejected.
 */
export function cosineSimilarityMatrix(vectors: Embeddings, dim?: number): number[][] {
  const v = rows(vectors, dim);
  const C = v.length;
  const norms = v.map((a, i) => {
    let s = 0;
    for (let j = 0; j < a.length; j++) {
      if (!Number.isFinite(a[j])) throw new ConfigError(`Embedding ${i} contains a non-finite value.`);
      s += a[j] * a[j];
    }
    return Math.sqrt(s);
  });
  const sim: number[][] = Array.from({ length: C }, () => new Array<number>(C).fill(0));
  for (let i = 0; i < C; i++) {
    for (let k = i; k < C; k++) {
      if (norms[i] === 0 || norms[k] === 0) continue;
      const a = v[i];
      const b = v[k];
      let dot = 0;
      for (let j = 0; j < a.length; j++) dot += a[j] * b[j];
      const c = Math.min(1, Math.max(-1, dot / (norms[i] * norms[k])));
      sim[i][k] = c;
      sim[k][i] = c;
    }
  }
  return sim;
}

/**
 * For each class, the m most similar OTHER classes. Ties (equal similarity, e.g. against a zero
 * vector) go to the lower class index, so the result is deterministic without a seed.
 */
export function topNeighboursFromSimilarity(sim: readonly (readonly number[])[], m = 3): NeighbourLists {
  if (!Number.isInteger(m) || m < 1)
    throw new ConfigError(`Number of neighbour classes must be >= 1, got ${m}.`);
  const C = sim.length;
  const used = Math.min(m, Math.max(0, C - 1));
  const indices: number[][] = [];
  const scores: number[][] = [];
  for (let y = 0; y < C; y++) {
    if (sim[y].length !== C)
      throw new ConfigError(`Similarity row ${y} has length ${sim[y].length}, expected ${C}.`);
    const others = Array.from({ length: C }, (_, k) => k).filter((k) => k !== y);
    others.sort((a, b) => sim[y][b] - sim[y][a] || a - b);
    const top = others.slice(0, used);
    indices.push(top);
    scores.push(top.map((k) => sim[y][k]));
  }
  return { indices, scores, m: used };
}

/** neigh(y) for every class y, from class-name embeddings. */
export function topNeighbours(vectors: Embeddings, m = 3, dim?: number): NeighbourLists {
  return topNeighboursFromSimilarity(cosineSimilarityMatrix(vectors, dim), m);
}
