/**
 * Features → the FeatureBank [N][S][K] (ALGORITHM.md §6–7) as unique rows and an index. Source 0 is the
 * real image (its K slots one row); each generative source gives K candidates per training image, cycling
 * when it has fewer (k % count). Test images are only read at source 0, candidate 0: all their slots are
 * their one row. BankBuilder fixes the index up front and writes each feature into its row as it arrives
 * (or, for a run, keeps none: the rows stay in the store); assembleBank is the same from lists.
 */
import type { BankMeta, BankSplit, FeatureBank } from '../train/bank.ts';

export interface BankInputs {
  classes: string[];
  labels: readonly number[];
  split: BankSplit;
  /** φ of each real image, [D] each. */
  real: readonly Float32Array[];
  /** Per generative source, per image index: φ of its candidates (training images only). */
  generated: ReadonlyMap<string, ReadonlyMap<number, readonly Float32Array[]>>;
  D: number;
}

export interface BankLayout {
  classes: string[];
  labels: readonly number[];
  split: BankSplit;
  /** Per generative source (in bank order), per image index: how many candidates it has. */
  counts: ReadonlyMap<string, ReadonlyMap<number, number>>;
  D: number;
  /** Candidates per source; default the most any source has (at least 1). A run fixes it (run-sources.ts). */
  K?: number;
}

export class BankBuilder {
  /** Shape, labels, split and the index [N][S][K] → row; rows are fixed when the builder is made. */
  readonly meta: BankMeta & { index: Uint32Array };
  /** Rows: image n is row n; candidate j of image n in source s is row first[s - 1][n] + j. */
  readonly rowCount: number;
  private readonly counts: ReadonlyMap<number, number>[];
  private readonly first: Map<number, number>[];
  /** The rows' values, when kept (a run keeps none: its rows are read from the store). */
  private readonly rows?: Float32Array;

  constructor(l: BankLayout, o: { keep?: boolean } = {}) {
    const sources = ['identity', ...l.counts.keys()];
    let K = 1;
    for (const m of l.counts.values()) for (const c of m.values()) K = Math.max(K, c);
    if (l.K !== undefined) {
      if (l.K < K) throw new Error(`bank: K = ${l.K}, but a source has ${K} candidates of one image`);
      K = l.K;
    }
    const N = l.labels.length;
    const S = sources.length;
    this.counts = [...l.counts.values()];
    let rows = N;
    this.first = this.counts.map((m) => {
      const first = new Map<number, number>();
      for (const [n, c] of m) {
        first.set(n, rows);
        rows += c;
      }
      return first;
    });
    this.rowCount = rows;
    // each slot points at its row: image n itself for source 0 and for a source with no candidate of n
    // (a test image: every slot), else its candidate k % count (a source with fewer than K cycles)
    const index = new Uint32Array(N * S * K);
    for (let n = 0; n < N; n++) {
      for (let s = 0; s < S; s++) {
        const count = s === 0 ? 0 : (this.counts[s - 1].get(n) ?? 0);
        for (let k = 0; k < K; k++) {
          index[(n * S + s) * K + k] = count > 0 ? (this.first[s - 1].get(n) as number) + (k % count) : n;
        }
      }
    }
    this.meta = {
      classes: [...l.classes],
      sources,
      N,
      S,
      K,
      D: l.D,
      labels: Int32Array.from(l.labels),
      split: l.split,
      index,
    };
    if (o.keep ?? true) this.rows = new Float32Array(rows * l.D);
  }

  /** The bank with its rows in memory (a builder made with keep: false has none). */
  get bank(): FeatureBank {
    if (!this.rows) throw new Error('bank: this builder keeps no feature values (keep: false)');
    return { ...this.meta, features: this.rows };
  }

  /** φ of image n (none: a builder that keeps no values only places it); returns its row. */
  real(n: number, f?: Float32Array): number {
    return this.put(f, n);
  }

  /** φ of candidate j (0-based, within its source) of image n; returns its row. */
  candidate(source: number, n: number, j: number, f?: Float32Array): number {
    const count = this.counts[source - 1].get(n) ?? 0;
    if (j >= count) throw new Error(`bank: candidate ${j} of image ${n} beyond its ${count}`);
    return this.put(f, (this.first[source - 1].get(n) as number) + j);
  }

  private put(f: Float32Array | undefined, row: number): number {
    if (!f) {
      if (this.rows) throw new Error(`bank: row ${row} needs its feature values (this builder keeps them)`);
      return row;
    }
    if (f.length !== this.meta.D)
      throw new Error(`bank: a feature of ${f.length} values, expected ${this.meta.D}`);
    this.rows?.set(f, row * this.meta.D);
    return row;
  }
}

export function assembleBank(b: BankInputs): FeatureBank {
  const counts = new Map(
    [...b.generated].map(([s, m]) => [s, new Map([...m].map(([n, list]) => [n, list.length]))] as const),
  );
  const builder = new BankBuilder({ ...b, counts });
  for (const [n, f] of b.real.entries()) builder.real(n, f);
  for (const [i, m] of [...b.generated.values()].entries()) {
    for (const [n, list] of m) for (const [j, f] of list.entries()) builder.candidate(i + 1, n, j, f);
  }
  return builder.bank;
}
