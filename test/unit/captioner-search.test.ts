import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.ts';
import { beamSearch, greedy, logSoftmax, type StepModel } from '../../src/stages/captioner/search.ts';

const V = 4;
const EOS = 3;

/** Logits that depend on the whole history (a hash of it), like a real decoder's. */
function logitsFor(history: number[], seed: number): Float32Array {
  let h = seed;
  for (const t of history) h = (Math.imul(h ^ (t + 1), 0x9e3779b1) + 7) | 0;
  const r = new Rng(h);
  return Float32Array.from({ length: V }, () => r.normal() * 2);
}

/** Fake step model that tracks each beam's history as a real KV cache would. */
function fakeModel(seed: number): StepModel & { calls: number } {
  let beams: number[][] = [[]];
  const m = {
    calls: 0,
    start: async () => logitsFor([], seed),
    step: async (tokens: number[], parents: number[]) => {
      m.calls++;
      beams = parents.map((p, i) => [...beams[p], tokens[i]]);
      return beams.map((b) => logitsFor(b, seed));
    },
  };
  return m;
}

/** Brute force: every sequence that ends at EOS within T tokens, or reaches T tokens. */
function bestByBruteForce(seed: number, T: number): { tokens: number[]; score: number } {
  let best = { tokens: [] as number[], score: -Infinity };
  const walk = (hist: number[], sum: number) => {
    const lp = logSoftmax(logitsFor(hist, seed));
    for (let t = 0; t < V; t++) {
      const seq = [...hist, t];
      const s = sum + lp[t];
      if (t === EOS || seq.length === T) {
        const norm = s / seq.length;
        if (norm > best.score) best = { tokens: seq, score: norm };
      } else walk(seq, s);
    }
  };
  walk([], 0);
  return best;
}

describe('decoding strategies (pure, against brute force)', () => {
  it('beam search wide enough to keep everything finds the brute-force optimum', async () => {
    for (let seed = 1; seed <= 30; seed++) {
      const want = bestByBruteForce(seed, 3);
      const got = await beamSearch(fakeModel(seed), { maxNewTokens: 3, eos: [EOS], numBeams: 64 });
      expect(got.tokens, `seed ${seed}`).toEqual(want.tokens);
      expect(got.score).toBeCloseTo(want.score, 12);
    }
  });

  it('one beam is greedy; greedy takes the arg-max each step', async () => {
    for (let seed = 1; seed <= 30; seed++) {
      const g = await greedy(fakeModel(seed), { maxNewTokens: 6, eos: [EOS] });
      const b = await beamSearch(fakeModel(seed), { maxNewTokens: 6, eos: [EOS], numBeams: 1 });
      expect(b.tokens).toEqual(g.tokens);
      const hist: number[] = [];
      for (const t of g.tokens) {
        const l = logitsFor(hist, seed);
        expect(l[t]).toBe(Math.max(...l));
        hist.push(t);
      }
      expect(g.finishedByEos).toBe(g.tokens.at(-1) === EOS);
      if (!g.finishedByEos) expect(g.tokens.length).toBe(6);
    }
  });

  it('a 2-beam search beats greedy where the greedy first choice leads nowhere (hand case)', async () => {
    // start: token 0 p=.5, token 1 p=.4, EOS .1; after 0: four-way tie (.25 each); after 1: EOS p≈.97
    const ln = Math.log;
    const table = (h: number[]): Float32Array => {
      if (h.length === 0) return Float32Array.of(ln(0.5), ln(0.4), ln(1e-9), ln(0.1));
      if (h[0] === 0) return Float32Array.of(0, 0, 0, 0);
      return Float32Array.of(ln(0.01), ln(0.01), ln(0.01), ln(0.97));
    };
    let beams: number[][] = [[]];
    const model: StepModel = {
      start: async () => table([]),
      step: async (tokens, parents) => {
        beams = parents.map((p, i) => [...beams[p], tokens[i]]);
        return beams.map(table);
      },
    };
    const g = await greedy({ ...model }, { maxNewTokens: 2, eos: [EOS] });
    expect(g.tokens).toEqual([0, 0]); // .5 · .25 = .125 over 2 tokens
    beams = [[]];
    const b = await beamSearch(model, { maxNewTokens: 2, eos: [EOS], numBeams: 2 });
    expect(b.tokens).toEqual([1, EOS]); // .4 · .97 ≈ .39
    expect(b.finishedByEos).toBe(true);
  });

  it('stops early once numBeams hypotheses have finished', async () => {
    const model: StepModel = {
      start: async () => Float32Array.of(0, 0, 0, 10), // EOS at once for everyone
      step: async () => {
        throw new Error('should not step');
      },
    };
    const r = await beamSearch(model, { maxNewTokens: 5, eos: [EOS], numBeams: 1 });
    expect(r).toMatchObject({ tokens: [EOS], steps: 0, finishedByEos: true });
  });
});
