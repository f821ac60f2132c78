/**
 * The reference's hand-derived gradients against central finite differences of its own float64 loss:
 * ∂L/∂θ (linear and MLP heads) and ∂L/∂a through the Gumbel-softmax mixture. The GPU kernels are checked
 * against this reference (test/gpu), so together they pin the GPU's gradients to finite differences.
 */
import { describe, expect, it } from 'vitest';
import { resolveTrainConfig } from '../../src/train/config.ts';
import { ReferenceTrainer, type RefLayer } from '../../src/train/reference.ts';
import { searchSchedule } from '../../src/train/schedule.ts';
import { kinkAwareDiff } from '../support/finite-diff.ts';
import { randomBank } from '../support/random-bank.ts';

const clone = (layers: RefLayer[]): RefLayer[] =>
  layers.map((l) => ({ ...l, w: l.w.slice(), b: l.b.slice(), mw: l.mw.slice(), mb: l.mb.slice() }));

/** expectClose allows 1e-6: a kink inside the step may cost the central difference at most that. */
const centralDiff = (f: () => number, set: (v: number) => void, at: number) =>
  kinkAwareDiff(f, set, at, { steps: [1e-6, 1e-7, 1e-8], agree: 2e-6 });

function expectClose(analytic: number, numeric: number, what: string) {
  const tol = 1e-6 + 1e-5 * Math.abs(numeric);
  if (!(Math.abs(analytic - numeric) <= tol))
    throw new Error(`${what}: analytic ${analytic} vs finite difference ${numeric}`);
}

for (const [head, balancedExploration] of [
  ['linear', false],
  ['mlp', false],
  ['linear', true],
] as const) {
  describe(`finite differences, ${head} head${balancedExploration ? ', class-balanced exploration loss' : ''}`, () => {
    const seed = (Math.random() * 2 ** 32) >>> 0; // fresh inputs every run; printed on failure
    const bank = randomBank(seed, { N: 30, S: 3, K: 2, D: 7, C: 4 });
    const cfg = resolveTrainConfig({ head, hidden: 5, batchSize: 6, epochs: 1, seed, balancedExploration });
    const ref = new ReferenceTrainer(bank, cfg);
    const plans = [...searchSchedule(cfg, ref.sizes)];
    const exploitPlan = plans.find((p) => p.kind === 'exploit')!;
    const explorePlan = plans.find((p) => p.kind === 'explore')!;
    const alpha = Float64Array.from({ length: ref.C * bank.S }, (_, i) => Math.sin(i + seed)); // non-uniform policy

    it(`∂L/∂θ matches finite differences (seed ${seed})`, () => {
      const layers = ref.newHead('fd');
      const { x, y } = ref.drawBatch(alpha, exploitPlan);
      const { grads } = ref.exploit(clone(layers), alpha, exploitPlan);
      // exploit() lists layers last-first for the MLP (it backpropagates from the output).
      const order = head === 'linear' ? [0] : [1, 0];
      let checked = 0;
      let onKink = 0;
      order.forEach((li, gi) => {
        const l = layers[li];
        for (const [name, arr, g] of [
          ['w', l.w, grads[gi].gw],
          ['b', l.b, grads[gi].gb],
        ] as const) {
          for (let i = 0; i < arr.length; i += Math.max(1, Math.floor(arr.length / 9))) {
            const at = arr[i];
            const num = centralDiff(
              () => ref.batchLoss(layers, x, y),
              (v) => {
                arr[i] = v;
              },
              at,
            );
            if (num === null) {
              onKink++; // no derivative to check
              continue;
            }
            expectClose(g[i], num, `layer ${li} ${name}[${i}]`);
            checked++;
          }
        }
      });
      expect(onKink).toBeLessThanOrEqual(2);
      expect(checked).toBeGreaterThan(10);
    });

    it(`∂L/∂a matches finite differences through the Gumbel-softmax mixture (seed ${seed})`, () => {
      const layers = ref.newHead('fd');
      const { grad } = ref.explore(
        clone(layers),
        alpha.slice(),
        { m: new Float64Array(2 * alpha.length), t: new Int32Array(alpha.length) },
        explorePlan,
      );
      const a = alpha.slice();
      let nonzero = 0;
      for (let k = 0; k < a.length; k++) {
        const num = centralDiff(
          () => ref.mixedLoss(layers, a, explorePlan),
          (v) => {
            a[k] = v;
          },
          a[k],
        );
        if (num === null) throw new Error(`a[${k}] sits on a kink, which the linear head has none of`);
        expectClose(grad[k], num, `a[${k}]`);
        if (Math.abs(num) > 1e-8) nonzero++;
      }
      expect(nonzero).toBeGreaterThan(0); // the loss really depends on a
    });
  });
}
