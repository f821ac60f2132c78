/**
 * The whole engine against the float64 reference: same schedule, same random streams, so a short search
 * and final training must land on the same α, history, losses, head and predictions (within fp32 error).
 * Banks are split into several chunks to exercise the chunked gathers.
 */
import { resolveTrainConfig, type TrainConfig } from '../../../src/train/config.ts';
import { TrainEngine } from '../../../src/train/engine.ts';
import { ReferenceTrainer } from '../../../src/train/reference.ts';
import { randomBank } from '../../support/random-bank.ts';
import { assert, assertClose, freshSeed, type GpuCase } from '../harness.ts';

function flat(rows: number[][][]): number[] {
  return rows.flat(2);
}

async function compare(
  gpu: Parameters<GpuCase['run']>[0],
  log: (m: string) => void,
  overrides: Partial<TrainConfig>,
) {
  const seed = freshSeed();
  const bank = randomBank(seed, { N: 48, S: 3, K: 2, D: 24, C: 5 });
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
  const perSample = 4 * bank.S * bank.K * bank.D;
  const engine = TrainEngine.create(gpu, bank, cfg, { chunkBytes: perSample * 17 }); // 3 chunks
  try {
    assert(engine.bankGpu.chunks.length === 3, `expected 3 chunks, got ${engine.bankGpu.chunks.length}`);
    const ref = new ReferenceTrainer(bank, cfg);
    const want = ref.search();
    const got = await engine.search();
    const tag = `seed ${seed} ${JSON.stringify(overrides)}`;
    // α moved (a search that does not move the policy is a bug), and moved like the oracle.
    assert(
      Array.from(want.alpha).some((v) => Math.abs(v) > 1e-3),
      `${tag}: reference α did not move`,
    );
    const e1 = assertClose(`${tag} alpha`, got.alpha, want.alpha, { rtol: 1e-3, atol: 2e-4 });
    assertClose(`${tag} history`, got.history, flat(want.history), { rtol: 1e-3, atol: 1e-4 });
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
  }
}

export const trainRunCases: GpuCase[] = [
  {
    name: 'engine (linear head, Adam on α) matches the float64 reference over search + final training',
    run: (g, l) => compare(g, l, {}),
  },
  {
    name: 'engine (MLP head, SGD on α, 2 exploration steps) matches the float64 reference',
    run: (g, l) => compare(g, l, { head: 'mlp', alphaOptimizer: 'sgd', alphaLr: 1, exploreSteps: 2 }),
  },
  {
    name: 'engine with the class-balanced (logit-adjusted) exploration loss matches the float64 reference',
    run: (g, l) => compare(g, l, { balancedExploration: true }),
  },
  {
    name: 'engine with a real-images warm-up epoch matches the float64 reference',
    run: (g, l) => compare(g, l, { epochs: 3, warmupEpochs: 1 }),
  },
];
