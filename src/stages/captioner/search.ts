/**
 * Decoding strategies over an abstract step model, so they can be checked against brute force
 * without any ONNX graph. Greedy takes the arg-max token; beam search keeps the `numBeams` best
 * partial captions by summed log-probability, stops a hypothesis at end-of-sequence, and ranks
 * finished ones by score / length^lengthPenalty (length counts generated tokens, EOS included).
 * It stops once `numBeams` hypotheses have finished (Hugging Face's early_stopping=True) or after
 * `maxNewTokens`. Ties break towards the lower beam, then the lower token id: runs are reproducible.
 */
import { CancelledError } from '../../core/errors.ts';

export interface StepModel {
  /** Runs the prompt; logits of its last position. */
  start(): Promise<Float32Array>;
  /** Beam i continues beam parents[i] with tokens[i]; logits per beam. */
  step(tokens: number[], parents: number[]): Promise<Float32Array[]>;
}

export interface SearchOptions {
  maxNewTokens: number;
  eos: readonly number[];
  numBeams?: number;
  lengthPenalty?: number;
  signal?: AbortSignal;
}

export interface SearchResult {
  /** Generated tokens, ending with the EOS token when one was produced. */
  tokens: number[];
  /** Summed log-probability (beam: divided by length^lengthPenalty). */
  score: number;
  /** Model calls after the prompt. */
  steps: number;
  finishedByEos: boolean;
}

export function logSoftmax(logits: Float32Array): Float64Array {
  let max = -Infinity;
  for (const v of logits) max = Math.max(max, v);
  let sum = 0;
  for (const v of logits) sum += Math.exp(v - max);
  const lse = max + Math.log(sum);
  const out = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = logits[i] - lse;
  return out;
}

function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}

const checkAbort = (signal?: AbortSignal) => {
  if (signal?.aborted) throw new CancelledError('Captioning cancelled.');
};

export async function greedy(model: StepModel, o: SearchOptions): Promise<SearchResult> {
  let logits = await model.start();
  const tokens: number[] = [];
  let score = 0;
  let steps = 0;
  for (;;) {
    checkAbort(o.signal);
    const t = argmax(logits);
    score += logSoftmax(logits)[t];
    tokens.push(t);
    if (o.eos.includes(t)) return { tokens, score, steps, finishedByEos: true };
    if (tokens.length >= o.maxNewTokens) return { tokens, score, steps, finishedByEos: false };
    logits = (await model.step([t], [0]))[0];
    steps++;
  }
}

interface Beam {
  tokens: number[];
  score: number;
}

/** The k best (token, log-prob) of one row, best first, lower id first on ties. */
function topK(lp: Float64Array, k: number): [number, number][] {
  const idx = [...lp.keys()].sort((a, b) => lp[b] - lp[a] || a - b);
  return idx.slice(0, k).map((i) => [i, lp[i]]);
}

export async function beamSearch(model: StepModel, o: SearchOptions): Promise<SearchResult> {
  const n = Math.max(1, o.numBeams ?? 1);
  const lp = o.lengthPenalty ?? 1;
  const norm = (b: Beam) => b.score / b.tokens.length ** lp;
  let live: Beam[] = [{ tokens: [], score: 0 }];
  let logits = [await model.start()];
  const done: Beam[] = [];
  let steps = 0;
  for (;;) {
    checkAbort(o.signal);
    const cands: { parent: number; token: number; score: number }[] = [];
    live.forEach((b, i) => {
      for (const [token, l] of topK(logSoftmax(logits[i]), 2 * n))
        cands.push({ parent: i, token, score: b.score + l });
    });
    cands.sort((a, b) => b.score - a.score || a.parent - b.parent || a.token - b.token);
    const next: typeof cands = [];
    for (const [rank, c] of cands.entries()) {
      if (o.eos.includes(c.token)) {
        if (rank < n) done.push({ tokens: [...live[c.parent].tokens, c.token], score: c.score });
        continue;
      }
      next.push(c);
      if (next.length === n) break;
    }
    const grown = next.map((c) => ({ tokens: [...live[c.parent].tokens, c.token], score: c.score }));
    const maxed = (grown[0]?.tokens.length ?? o.maxNewTokens) >= o.maxNewTokens;
    if (done.length >= n || maxed || grown.length === 0) {
      const finishedByEos = done.length > 0;
      if (done.length < n) done.push(...grown);
      const best = done.reduce((a, b) => (norm(b) > norm(a) ? b : a));
      return {
        tokens: best.tokens,
        score: norm(best),
        steps,
        finishedByEos: finishedByEos && o.eos.includes(best.tokens.at(-1)!),
      };
    }
    live = grown;
    logits = await model.step(
      next.map((c) => c.token),
      next.map((c) => c.parent),
    );
    steps++;
  }
}
