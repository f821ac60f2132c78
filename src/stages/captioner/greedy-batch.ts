/**
 * Greedy decoding of several rows in one decoder call per step (rows of one batch that share a
 * prompt, so no padding or attention mask is needed). Each row takes exactly the tokens greedy()
 * would give it alone; a finished row keeps being fed (its outputs ignored) until every row has
 * finished, which costs compute but never another call.
 */
import { CancelledError } from '../../core/errors.ts';
import type { SearchOptions, SearchResult } from './search.ts';
import { logSoftmax } from './search.ts';

export interface RowStepModel {
  /** The prompt as `n` rows; last-position logits per row. */
  startRows(n: number): Promise<Float32Array[]>;
  /** Row i continues with tokens[i]; logits per row. */
  step(tokens: number[], parents: number[]): Promise<Float32Array[]>;
}

function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}

export async function greedyRows(model: RowStepModel, n: number, o: SearchOptions): Promise<SearchResult[]> {
  let logits = await model.startRows(n);
  const rows = Array.from({ length: n }, () => ({
    tokens: [] as number[],
    score: 0,
    done: false,
    eos: false,
  }));
  const identity = rows.map((_, i) => i);
  let steps = 0;
  for (;;) {
    if (o.signal?.aborted) throw new CancelledError('Captioning cancelled.');
    rows.forEach((r, i) => {
      if (r.done) return;
      const t = argmax(logits[i]);
      r.score += logSoftmax(logits[i])[t];
      r.tokens.push(t);
      r.eos = o.eos.includes(t);
      r.done = r.eos || r.tokens.length >= o.maxNewTokens;
    });
    if (rows.every((r) => r.done)) break;
    logits = await model.step(
      rows.map((r) => r.tokens.at(-1) as number),
      identity,
    );
    steps++;
  }
  // a row alone would have stopped after its own tokens: report its own step count
  return rows.map((r) => ({
    tokens: r.tokens,
    score: r.score,
    steps: Math.min(steps, r.tokens.length - 1),
    finishedByEos: r.eos,
  }));
}
