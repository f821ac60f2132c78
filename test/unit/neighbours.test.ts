import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.ts';
import {
  cosineSimilarityMatrix,
  topNeighbours,
  topNeighboursFromSimilarity,
} from '../../src/core/neighbours.ts';

const r = Math.SQRT1_2; // cos 45°
// a = [1,0], b = [1,1], c = [0,1], d = [-1,0]
const vecs = [Float32Array.of(1, 0), Float32Array.of(1, 1), Float32Array.of(0, 1), Float32Array.of(-1, 0)];

describe('cosineSimilarityMatrix', () => {
  it('matches the hand-computed matrix', () => {
    const s = cosineSimilarityMatrix(vecs);
    const want = [
      [1, r, 0, -1],
      [r, 1, r, -r],
      [0, r, 1, 0],
      [-1, -r, 0, 1],
    ];
    s.forEach((row, i) => {
      row.forEach((x, j) => {
        expect(x).toBeCloseTo(want[i][j], 12);
      });
    });
    expect(s[1][0]).toBe(s[0][1]); // exactly symmetric
  });

  it('ignores vector length and accumulates in float64', () => {
    // [1,2,2]·[2,1,2] = 8, norms 3 and 3 → 8/9
    const s = cosineSimilarityMatrix([Float32Array.of(1, 2, 2), Float32Array.of(20, 10, 20)]);
    expect(s[0][1]).toBeCloseTo(8 / 9, 14);
  });

  it('gives 0, not NaN, for a zero vector', () => {
    const s = cosineSimilarityMatrix([Float32Array.of(0, 0), Float32Array.of(3, 4)]);
    expect(s).toEqual([
      [0, 0],
      [0, 1],
    ]);
  });

  it('accepts a flat array with dim', () => {
    const flat = Float32Array.of(1, 0, 1, 1, 0, 1, -1, 0);
    expect(cosineSimilarityMatrix(flat, 2)).toEqual(cosineSimilarityMatrix(vecs));
  });

  it('rejects inconsistent shapes and non-finite values', () => {
    expect(() => cosineSimilarityMatrix(Float32Array.of(1, 2, 3), 2)).toThrow(ConfigError);
    expect(() => cosineSimilarityMatrix(Float32Array.of(1, 2))).toThrow(ConfigError);
    expect(() => cosineSimilarityMatrix([Float32Array.of(1, 2), Float32Array.of(1)])).toThrow(ConfigError);
    expect(() => cosineSimilarityMatrix([Float32Array.of(1, Number.NaN)])).toThrow(ConfigError);
  });
});

describe('topNeighbours', () => {
  it('returns the m most similar other classes, ties to the lower index', () => {
    const n = topNeighbours(vecs, 2);
    expect(n.m).toBe(2);
    // a: b (r), then c (0) beats d (-1)
    // b: a and c tie at r → a first
    // c: b (r), then a and d tie at 0 → a first
    // d: c (0), then b (-r) beats a (-1)
    expect(n.indices).toEqual([
      [1, 2],
      [0, 2],
      [1, 0],
      [2, 1],
    ]);
    expect(n.scores[0][0]).toBeCloseTo(r, 12);
    expect(n.scores[3][1]).toBeCloseTo(-r, 12);
    expect(n.scores[2][1]).toBe(0);
  });

  it('clamps m to C-1 and defaults to 3', () => {
    expect(topNeighbours(vecs).indices).toEqual([
      [1, 2, 3],
      [0, 2, 3],
      [1, 0, 3],
      [2, 1, 0],
    ]);
    const two = topNeighbours(vecs.slice(0, 2), 3);
    expect(two.m).toBe(1);
    expect(two.indices).toEqual([[1], [0]]);
    const one = topNeighbours([Float32Array.of(1)], 3);
    expect(one).toEqual({ indices: [[]], scores: [[]], m: 0 });
  });

  it('never lists a class as its own neighbour, even when it is a zero vector', () => {
    const n = topNeighbours([Float32Array.of(0, 0), Float32Array.of(1, 0), Float32Array.of(0, 1)], 2);
    expect(n.indices).toEqual([
      [1, 2],
      [0, 2], // 1·0 = 0 with both: tie → lower index
      [0, 1],
    ]);
  });

  it('rejects m < 1 and a non-square similarity matrix', () => {
    expect(() => topNeighbours(vecs, 0)).toThrow(ConfigError);
    expect(() => topNeighbours(vecs, 1.5)).toThrow(ConfigError);
    expect(() => topNeighboursFromSimilarity([[1, 0], [0]], 1)).toThrow(ConfigError);
  });
});
