/**
 * The whole engine against the float64 reference: same schedule, same random streams, so a short search
 * and final training must land on the same α, history, losses, head and predictions (within fp32 error).
 * Banks are split into several chunks to exercise the chunked gathers. Every comparison runs with the
 * feature rows stored as f32 and as f16 (the reference then trains on the same f16-rounded rows).
 */
import { denseFeatures, type FeatureBank } from '../../../src/train/bank.ts';
import { gatherRows } from '../../../src/train/bank-rows.ts';
import { BankRowsGpu, rowBytes } from '../../../src/train/bank-rows-gpu.ts';
import { type BankPrecision, resolveTrainConfig, type TrainConfig } from '../../../src/train/config.ts';
import { TrainEngine } from '../../../src/train/engine.ts';
import { ReferenceTrainer } from '../../../src/train/reference.ts';
import { selectSources } from '../../../src/train/sub-bank.ts';
import { phaseWindows } from '../../../src/train/windows.ts';
import { randomBank } from '../../support/random-bank.ts';
import { assert, assertClose, freshSeed, type GpuCase } from '../harness.ts';

function flat(rows: number[][][]): number[] {
  return rows.flat(2);
}

/**
 * A run's layout: each sample's real row is shared by its K identity slots (and by every slot of a
 * test sample), the rows are in no sample order, and the method sees sources [0, 2] as an index remap.
 */
function sharedRowsBank(seed: number, width: number): FeatureBank {
  const dense = randomBank(seed, { N: 48, S: 3, K: 2, D: width, C: 5 });
  const { N, S, K, D } = dense;
  const test = new Set(dense.split.test);
  const index = new Uint32Array(N * S * K);
  const rows: number[] = []; // dense rows kept, in reverse order
  for (let n = N - 1; n >= 0; n--) {
    for (let s = S - 1; s >= 0; s--) {
      for (let k = K - 1; k >= 0; k--) {
        const shared = test.has(n) || s === 0;
        const slot = (n * S + s) * K + k;
        if (shared && (s > 0 || k > 0)) continue; // filled from (n, 0, 0) below
        index[slot] = rows.length;
        rows.push(slot);
      }
    }
    for (let slot = n * S * K; slot < (n + 1) * S * K; slot++) {
      const s = Math.floor((slot - n * S * K) / K);
      if (test.has(n) || s === 0) index[slot] = index[n * S * K];
    }
  }
  const features = gatherRows(dense.features, D, rows);
  assert(features.length < dense.features.length, 'the shared layout has fewer rows');
  return selectSources({ ...dense, features, index }, [0, 2]);
}

/** The layout changes no number: the same bank made dense trains bit for bit the same. */
async function sameAsDense(
  gpu: Parameters<GpuCase['run']>[0],
  bank: FeatureBank,
  cfg: TrainConfig,
  alpha: Float32Array,
  params: { w: Float32Array; b: Float32Array }[],
  tag: string,
) {
  const dense = await TrainEngine.create(
    gpu,
    { ...bank, features: denseFeatures(bank), index: undefined },
    cfg,
  );
  try {
    const a = (await dense.search()).alpha;
    assert(
      a.every((v, i) => v === alpha[i]),
      `${tag}: α differs between the dense and the shared-rows layout`,
    );
    const p = (await dense.train(alpha)).params;
    assert(
      p.every(
        (l, i) => l.w.every((v, j) => v === params[i].w[j]) && l.b.every((v, j) => v === params[i].b[j]),
      ),
      `${tag}: the final head differs between the dense and the shared-rows layout`,
    );
  } finally {
    dense.release();
  }
}

interface CompareOptions {
  layout?: 'dense' | 'shared rows';
  /** Features per row (odd: the last f16 word of a row is half padding). */
  D?: number;
  /** Changes the bank before training (a value no training step reads, say). */
  edit?: (bank: FeatureBank) => void;
}

async function compare(
  gpu: Parameters<GpuCase['run']>[0],
  log: (m: string) => void,
  overrides: Partial<TrainConfig>,
  { layout = 'dense', D = 24, edit }: CompareOptions = {},
) {
  const seed = freshSeed();
  const bank =
    layout === 'dense' ? randomBank(seed, { N: 48, S: 3, K: 2, D, C: 5 }) : sharedRowsBank(seed, D);
  edit?.(bank);
  const cfg = resolveTrainConfig({
    epochs: 2,
    finalEpochs: 2,
    batchSize: 8,
    lr: 1e-2,
    alphaLr: 0.1,
    seed,
    hidden: 16,
    ...overrides,
  });
  const perSample = 3 * 2 * rowBytes(bank.D, cfg.bankPrecision);
  // 3 chunks; the shared-rows bank's rows are uploaded once, as a run does, and shared with the engine
  const rows =
    layout === 'dense'
      ? undefined
      : await BankRowsGpu.upload(gpu, bank, { precision: cfg.bankPrecision, chunkBytes: perSample * 6 });
  const engine = await TrainEngine.create(gpu, bank, cfg, { chunkBytes: perSample * 17, rows });
  try {
    const chunks = engine.rows?.chunks.length ?? 0;
    assert(layout === 'dense' ? chunks === 3 : chunks > 3, `${layout}: got ${chunks} chunks`);
    const ref = new ReferenceTrainer(bank, cfg);
    const want = ref.search();
    const got = await engine.search();
    const tag = `seed ${seed} D ${bank.D} ${JSON.stringify(overrides)}`;
    // α moved (a search that does not move the policy is a bug), and moved like the oracle.
    assert(
      Array.from(want.alpha).some((v) => Math.abs(v) > 1e-3),
      `${tag}: reference α did not move`,
    );
    // Adam's step is alphaLr·g/(|g| + ε) at first, whatever the gradient's size: a gradient near ε, where
    // fp32 has few good digits, moves α by a share of alphaLr. Seed 2210930790 (f16): ∂L/∂a[8] = 3.6e-8
    // (3.7e-8 in a float32 CPU loop) made a step of 0.078 that float32 gets 4.7e-4 off and the GPU
    // 1.07e-3; every other α was within 2e-5. A wrong step is off by about alphaLr itself.
    const alphaAtol = cfg.alphaOptimizer === 'adam' ? 2e-2 * cfg.alphaLr : 2e-4;
    const e1 = assertClose(`${tag} alpha`, got.alpha, want.alpha, { rtol: 1e-3, atol: alphaAtol });
    // a softmax moves each probability by at most half the largest change of its logits
    const historyAtol = Math.max(1e-4, alphaAtol / 2);
    assertClose(`${tag} history`, got.history, flat(want.history), { rtol: 1e-3, atol: historyAtol });
    const steps = Math.ceil(bank.split.train.length / cfg.batchSize) * cfg.batchSize;
    assertClose(
      `${tag} train loss`,
      got.trainLoss,
      want.trainLoss.map((v) => v / steps),
      { rtol: 1e-4 },
    );
    const warm = cfg.warmupEpochs;
    assert(
      got.validLoss.slice(0, warm).every(Number.isNaN),
      `${tag}: warm-up epochs report a validation loss`,
    );
    const validWant = want.validLoss.slice(warm).map((v) => v / (steps * cfg.exploreSteps));
    assertClose(`${tag} valid loss`, got.validLoss.slice(warm), validWant, { rtol: 1e-4 });
    const warmHistory = flat(want.history.slice(0, warm));
    assert(
      warmHistory.every((p) => Math.abs(p - 1 / bank.S) < 1e-6),
      `${tag}: α moved during warm-up`,
    );
    const trained = await engine.train(got.alpha);
    if (layout !== 'dense') await sameAsDense(gpu, bank, cfg, got.alpha, trained.params, tag);
    const refTrained = ref.train(got.alpha);
    const wantParams = ReferenceTrainer.params(refTrained.layers);
    let e2 = 0;
    trained.params.forEach((p, i) => {
      e2 = Math.max(e2, assertClose(`${tag} final W${i}`, p.w, wantParams[i].w, { rtol: 1e-3, atol: 1e-4 }));
      assertClose(`${tag} final b${i}`, p.b, wantParams[i].b, { rtol: 1e-3, atol: 1e-4 });
    });
    const preds = await engine.predict(trained.head);
    const refPreds = ref.predict(refTrained.layers);
    const agree = preds.filter((p, i) => p === refPreds[i]).length;
    assert(agree >= preds.length - 1, `${tag}: predictions agree on ${agree}/${preds.length}`);
    log(
      `${tag}: α max rel err ${e1.toExponential(2)}, final W ${e2.toExponential(2)}, dispatches/step ${JSON.stringify(engine.dispatchesPerStep)}`,
    );
  } finally {
    engine.release();
    rows?.release();
  }
}

/**
 * A training sample's row set beyond the f16 range: f16 storage refuses the bank. The same value in a
 * test sample's row, which no training step reads (test samples are never drawn; evaluation reads
 * source 0, candidate 0): f16 storage never uploads it, and f32 trains on the bank.
 */
async function beyondF16(gpu: Parameters<GpuCase['run']>[0], log: (m: string) => void) {
  const big = 70000;
  const putIn = (pick: (b: FeatureBank) => number) => (bank: FeatureBank) => {
    const n = pick(bank);
    bank.features[((n * bank.S + 2) * bank.K + 1) * bank.D + 3] = big;
  };
  const put = putIn((b) => b.split.test[0]);
  const bank = randomBank(freshSeed(), { N: 48, S: 3, K: 2, D: 24, C: 5 });
  putIn((b) => b.split.train[0])(bank);
  const f16 = resolveTrainConfig({ epochs: 1, batchSize: 8, bankPrecision: 'f16' });
  const refused = async (what: string, p: () => Promise<unknown> | unknown) => {
    let error: unknown;
    try {
      await p();
    } catch (e) {
      error = e;
    }
    assert(
      error instanceof RangeError &&
        /70000/.test(error.message) &&
        /--bank-precision f32/.test(error.message),
      `${what}: expected a RangeError naming 70000 and --bank-precision f32, got ${String(error)}`,
    );
    log(`${what}: ${error.message}`);
  };
  await refused('engine, f16', () => TrainEngine.create(gpu, bank, f16));
  await refused('rows upload, f16', () => BankRowsGpu.upload(gpu, bank, { precision: 'f16' }));
  await refused('reference, f16', () => new ReferenceTrainer(bank, f16));
  // rows uploaded with one precision cannot serve settings that ask for the other
  const rows = await BankRowsGpu.upload(gpu, bank, { precision: 'f32' });
  try {
    let error: unknown;
    await TrainEngine.create(gpu, bank, f16, { rows }).catch((e) => {
      error = e;
    });
    assert(
      error instanceof Error && /stored as f32/.test(error.message) && /f16/.test(error.message),
      `shared f32 rows under f16 settings: got ${String(error)}`,
    );
  } finally {
    rows.release();
  }
  const onTest = randomBank(freshSeed(), { N: 48, S: 3, K: 2, D: 24, C: 5 });
  put(onTest);
  (await TrainEngine.create(gpu, onTest, f16)).release();
  // f32 storage trains on it, matching the reference
  await compare(gpu, log, { bankPrecision: 'f32' }, { edit: put });
}

/** Everything a run produces, to compare two engines bit for bit. */
async function runAll(engine: TrainEngine) {
  const s = await engine.search();
  const t = await engine.train(s.alpha);
  const preds = await engine.predict(t.head);
  const head = t.params.flatMap((l) => [...l.w, ...l.b]);
  return [s.alpha, s.history, s.trainLoss, s.validLoss, t.loss, head, preds].map((a) => Array.from(a));
}

/**
 * Train+valid (39 samples) over windowSamples 13: three windows an epoch in both phases. The engine
 * matches the reference, and streaming each window's rows (residentBytes too small for the bank) gives
 * the very same numbers as rows uploaded once.
 */
async function windowed(gpu: Parameters<GpuCase['run']>[0], log: (m: string) => void, p: BankPrecision) {
  const over = { windowSamples: 13, bankPrecision: p, batchSize: 4 };
  await compare(gpu, log, over);
  const seed = freshSeed();
  const bank = randomBank(seed, { N: 48, S: 3, K: 2, D: 24, C: 5 });
  const cfg = resolveTrainConfig({ epochs: 2, finalEpochs: 2, lr: 1e-2, alphaLr: 0.1, seed, ...over });
  for (const phase of ['search', 'train'] as const) {
    const n = phaseWindows(cfg, bank.split, phase).length;
    assert(n === 3 * 2, `${phase}: ${n} windows, expected 3 an epoch`);
  }
  const perSample = 3 * 2 * rowBytes(bank.D, cfg.bankPrecision);
  const resident = await TrainEngine.create(gpu, bank, cfg, { chunkBytes: perSample * 17 });
  const streamed = await TrainEngine.create(gpu, bank, cfg, { chunkBytes: perSample * 5, residentBytes: 1 });
  try {
    assert(resident.rows !== undefined && streamed.rows === undefined, 'resident vs streamed rows');
    const [a, b] = [await runAll(resident), await runAll(streamed)];
    for (const [i, v] of a.entries()) {
      assert(
        v.length === b[i].length && v.every((x, j) => Object.is(x, b[i][j])),
        `seed ${seed} ${p}: output ${i} differs between resident and streamed rows`,
      );
    }
    log(`seed ${seed} ${p}: resident and streamed windows agree bit for bit`);
  } finally {
    resident.release();
    streamed.release();
  }
}

const CASES: { name: string; run: (p: BankPrecision) => GpuCase['run'] }[] = [
  {
    name: 'engine (linear head, Adam on α) matches the float64 reference over search + final training',
    run: (p) => (g, l) => compare(g, l, { bankPrecision: p }),
  },
  {
    name: 'engine (MLP head, SGD on α, 2 exploration steps) matches the float64 reference',
    run: (p) => (g, l) =>
      compare(g, l, { head: 'mlp', alphaOptimizer: 'sgd', alphaLr: 1, exploreSteps: 2, bankPrecision: p }),
  },
  {
    name: 'engine with the class-balanced (logit-adjusted) exploration loss matches the float64 reference',
    run: (p) => (g, l) => compare(g, l, { balancedExploration: true, bankPrecision: p }),
  },
  {
    name: 'engine with a real-images warm-up epoch matches the float64 reference',
    run: (p) => (g, l) => compare(g, l, { epochs: 3, warmupEpochs: 1, bankPrecision: p }),
  },
  {
    name: 'engine on shared rows (an index into unique rows, a sub-bank of sources, rows uploaded once) matches the float64 reference',
    run: (p) => (g, l) => compare(g, l, { head: 'mlp', bankPrecision: p }, { layout: 'shared rows' }),
  },
  {
    name: 'engine in sample windows (3 a phase epoch) matches the float64 reference; streamed windows equal resident ones bit for bit',
    run: (p) => (g, l) => windowed(g, l, p),
  },
];

export const trainRunCases: GpuCase[] = [
  ...CASES.flatMap((c) =>
    (['f32', 'f16'] as const).map((p) => ({ name: `${c.name} (${p} rows)`, run: c.run(p) })),
  ),
  {
    name: 'engine on f16 rows of odd width (D = 5: each row ends in a half-padding word) matches the float64 reference',
    run: (g, l) => compare(g, l, { bankPrecision: 'f16' }, { D: 5 }),
  },
  {
    name: 'engine on f16 rows, shared and odd width (D = 7), matches the float64 reference',
    run: (g, l) => compare(g, l, { head: 'mlp', bankPrecision: 'f16' }, { layout: 'shared rows', D: 7 }),
  },
  {
    name: 'a feature beyond ±65504 is refused under --bank-precision f16 (RangeError) and trains under f32',
    run: beyondF16,
  },
];
