/**
 * How the policy optimiser's settings move the search on real data: imbalanced Fashion-MNIST (factor 0.01,
 * largest class 200) with identity / helpful / harmful sources, several bank seeds; for each setting the
 * number of classes whose harmful share stays below 1/3, the mean harmful share, and test top-1 of
 * autogenda vs search-free. The evidence behind the α defaults in src/train/config.ts.
 *
 *   node_modules/.bin/deno run -A --no-check bench/alpha-defaults.ts [--seeds 0,1,2] [--quick]
 */
import { adapterLabel } from '../src/gpu/capabilities.ts';
import { Gpu } from '../src/gpu/device.ts';
import { resolveTrainConfig, type TrainConfig } from '../src/train/config.ts';
import { parseMethod } from '../src/train/methods.ts';
import { runMethod } from '../src/train/run-method.ts';
import { loadThreeSourceBank } from '../test/support/three-source-bank.ts';

declare const Deno: { args: string[]; exit(code: number): never };

const arg = (name: string) => {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Deno.args[i + 1] : undefined;
};
const seeds = (arg('seeds') ?? '0,1,2').split(',').map(Number);
const settings: [string, Partial<TrainConfig>][] = [
  ['paper: plain loss, SGD, lr 1e-3', { balancedExploration: false, alphaOptimizer: 'sgd', alphaLr: 1e-3 }],
  ['plain loss, Adam, lr 0.05', { balancedExploration: false }],
  ['plain loss, Adam, lr 0.05, 10 warm-up epochs', { balancedExploration: false, warmupEpochs: 10 }],
  ['plain loss, SGD, lr 10', { balancedExploration: false, alphaOptimizer: 'sgd', alphaLr: 10 }],
  ['balanced loss, Adam, lr 0.05 (default)', {}],
  ['balanced loss, Adam, lr 0.02', { alphaLr: 0.02 }],
];

const gpu = await Gpu.acquire();
console.log(`adapter: ${adapterLabel(gpu.capabilities)}; bank seeds ${seeds.join(', ')}`);
const searchFree = new Map<number, number>();
const rows: string[] = [];
for (const [label, overrides] of Deno.args.includes('--quick') ? settings.slice(4, 5) : settings) {
  let below = 0;
  let clearly = 0;
  let harm = 0;
  let auto = 0;
  let free = 0;
  for (const seed of seeds) {
    const { bank } = await loadThreeSourceBank({ seed, factor: 0.01 });
    const cfg = resolveTrainConfig(overrides);
    const result = await runMethod(gpu, bank, parseMethod('autogenda', bank.S), cfg);
    if (!searchFree.has(seed))
      searchFree.set(
        seed,
        (await runMethod(gpu, bank, parseMethod('search-free', bank.S), resolveTrainConfig())).metrics.top1,
      );
    const h = result.probs.map((p) => p[2]);
    below += h.filter((p) => p < 1 / 3).length;
    clearly += h.filter((p) => p < 0.25).length;
    harm += h.reduce((a, b) => a + b, 0) / h.length;
    auto += result.metrics.top1;
    free += searchFree.get(seed)!;
  }
  const n = seeds.length;
  rows.push(
    `| ${label} | ${(below / n).toFixed(1)} / 10 | ${(clearly / n).toFixed(1)} / 10 | ${(harm / n).toFixed(3)} | ${((100 * auto) / n).toFixed(1)} | ${((100 * free) / n).toFixed(1)} |`,
  );
  console.log(rows.at(-1));
}
console.log(
  '\n| α setting | classes: harmful < 1/3 | harmful < 0.25 | mean harmful share | autogenda top-1 % | search-free top-1 % |',
);
console.log('|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
Deno.exit(0);
