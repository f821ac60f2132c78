/**
 * The experiment on real data (Deno only: reads Debian's dataset-fashion-mnist). Small on purpose — the
 * full benchmark is `npx autogenda experiment` (bench/RESULTS.md), not a test.
 * 1. A bank of conventional sources: identity candidates are the pixels / 255; every checked view candidate
 *    equals the CPU reference (Pillow's definitions) applied to its image with the ops sampled for it; test
 *    samples carry identity copies; building twice gives the same bank.
 * 2. `autogenda experiment` end to end: two settings × three methods × two seeds, the table, the tests and
 *    the files, with every policy as its method's data says.
 */

import type { CliIO } from '../../src/cli/command.ts';
import { makeExperiment } from '../../src/cli/commands/experiment.ts';
import { Rng } from '../../src/core/rng.ts';
import { fashionMnistSetting, loadFashionMnist } from '../../src/experiment/fashion-mnist.ts';
import { buildImageBank } from '../../src/experiment/image-bank.ts';
import type { RunRecord } from '../../src/experiment/runner.ts';
import { Gpu } from '../../src/gpu/device.ts';
import type { RgbaImage } from '../../src/stages/augment/image.ts';
import { sampleView, viewPipeline } from '../../src/stages/augment/pipelines.ts';
import { applyReference } from '../../src/stages/augment/reference.ts';
import { viewRng } from '../../src/stages/augment/view-rng.ts';
import { featureOffset } from '../../src/train/bank.ts';
import { writeBankDir } from '../../src/train/bank-io.ts';
import { fashionMnistAvailable } from '../support/fashion-mnist.ts';
import { randomBank } from '../support/random-bank.ts';
import { freshSeed } from './harness.ts';

declare const Deno: {
  test(o: {
    name: string;
    ignore?: boolean;
    fn: () => Promise<void>;
    sanitizeResources?: boolean;
    sanitizeOps?: boolean;
  }): void;
  readFile(p: string): Promise<Uint8Array>;
  makeTempDir(): Promise<string>;
  readTextFile(p: string): Promise<string>;
  remove(p: string, o: { recursive: boolean }): Promise<void>;
};

const available = await fashionMnistAvailable();
if (!available) console.log('[gpu] Fashion-MNIST not installed: skipping the experiment tests');

function fail(msg: string): never {
  throw new Error(msg);
}

Deno.test({
  name: 'experiment: conventional-source bank on Fashion-MNIST matches the CPU reference view by view',
  ignore: !available,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const seed = freshSeed();
    const rf = (p: string) => Deno.readFile(p);
    const [train, test] = await Promise.all([loadFashionMnist('train', rf), loadFashionMnist('test', rf)]);
    const setting = fashionMnistSetting(train, test, { kind: 'imbalanced', factor: 0.2 }, seed, {
      cap: 30,
      testPerClass: 5,
    });
    const gpu = await Gpu.acquire();
    const { Augmenter } = await import('../../src/stages/augment/augmenter.ts');
    const aug = await Augmenter.create(gpu);
    const sources = ['identity', 'simple', 'randaugment'];
    const opts = { sources, views: 3, seed, mode: 'grey' as const, batch: 50 }; // several submits
    const bank = await buildImageBank(aug, setting.images, setting.split, opts);
    const again = await buildImageBank(aug, setting.images, setting.split, opts);
    gpu.destroy();
    if (!bank.features.every((v, i) => v === again.features[i])) fail('two builds with one seed differ');

    const { width: W, height: H, pixels } = setting.images;
    const D = W * H;
    const image = (n: number): RgbaImage => ({
      width: W,
      height: H,
      data: new Uint8Array(pixels.buffer, pixels.byteOffset + 4 * D * n, 4 * D).slice(),
    });
    const close = (got: Float32Array, want: ArrayLike<number>, what: string) => {
      for (let d = 0; d < D; d++)
        if (Math.abs(got[d] - want[d]) > 1e-6)
          fail(`${what}: dim ${d}: bank ${got[d]}, reference ${want[d]}`);
    };
    const rng = new Rng(seed);
    const pool = [...setting.split.train, ...setting.split.valid];
    let checked = 0;
    for (let t = 0; t < 40; t++) {
      const n = pool[rng.int(pool.length)];
      const s = 1 + rng.int(2);
      const k = rng.int(3);
      let img = image(n);
      for (const op of sampleView(viewPipeline(sources[s]), viewRng(seed, sources[s], n, k), W, H))
        img = applyReference(img, op).image;
      const want = Array.from({ length: D }, (_, d) => img.data[4 * d] / 255);
      close(
        bank.features.subarray(featureOffset(bank, n, s, k)),
        want,
        `seed ${seed} sample ${n} ${sources[s]} view ${k}`,
      );
      checked++;
    }
    for (const n of [...setting.split.test.slice(0, 5), pool[0]]) {
      const want = Array.from({ length: D }, (_, d) => image(n).data[4 * d] / 255);
      for (let s = 0; s < 3; s++)
        for (let k = 0; k < 3; k++)
          if (s === 0 || setting.split.test.includes(n))
            close(
              bank.features.subarray(featureOffset(bank, n, s, k)),
              want,
              `sample ${n} identity copy s${s} k${k}`,
            );
    }
    console.log(
      `  seed ${seed}: ${bank.N} samples × ${bank.S} sources × ${bank.K} views; ${checked} views checked`,
    );
  },
});

Deno.test({
  name: 'experiment: `autogenda experiment` runs a tiny Fashion-MNIST benchmark end to end',
  ignore: !available,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const out = await Deno.makeTempDir();
    const lines: string[] = [];
    const io: CliIO = { out: (l) => lines.push(l), err: () => {} };
    const argv = ['--factors', '0.1,0.5', '--methods', 'identity,simple,search-conv', '--seeds', '2'];
    argv.push('--epochs', '2', '--cap', '30', '--test-per-class', '10', '--views', '2', '--out', out);
    const code = await makeExperiment().run({ argv, io });
    const text = lines.join('\n');
    if (code !== 0) fail(`exit ${code}: ${text}`);
    for (const want of [
      '| method | imbalanced:0.1 | imbalanced:0.5 | avg rank |',
      'Friedman over 2 settings, 3 methods',
      "Holm vs control 'search-conv'",
      'Per-class accuracy (%) by training-frequency rank, imbalanced:0.5',
    ])
      if (!text.includes(want)) fail(`output lacks '${want}':\n${text}`);
    for (const m of ['identity', 'simple', 'search-conv'])
      if (!new RegExp(`^\\| ${m} \\| \\d+\\.\\d\\d ± \\d+\\.\\d\\d \\| `, 'm').test(text))
        fail(`no row for ${m}`);
    const results = JSON.parse(await Deno.readTextFile(`${out}/results.json`));
    const records: RunRecord[] = results.records;
    if (records.length !== 12) fail(`${records.length} records, expected 2 settings × 3 methods × 2 seeds`);
    for (const r of records) {
      if (!(r.top1 >= 0 && r.top1 <= 1 && r.testCount === 100)) fail(`bad record ${JSON.stringify(r)}`);
      const sums = r.probs.map((p) => p.reduce((a, b) => a + b, 0));
      if (sums.some((x) => Math.abs(x - 1) > 1e-6)) fail(`${r.method}: policy rows do not sum to 1`);
      if (r.method === 'simple' && r.probs.some((p) => p[0] !== 0 || p[1] !== 1))
        fail('simple must always draw a view');
      if (r.method === 'search-conv' && r.sources.join() !== 'identity,simple,randaugment')
        fail('search-conv sources');
    }
    const csv = (await Deno.readTextFile(`${out}/runs.csv`)).trim().split('\n');
    if (csv.length !== 13) fail(`runs.csv has ${csv.length} lines`);
    await Deno.remove(out, { recursive: true });
    await makeExperiment()
      .run({ argv: ['--methods', 'autogenda', '--seeds', '1'], io })
      .then(
        () => fail('autogenda on Fashion-MNIST alone should be refused'),
        (e) => {
          if (!/'local', 'transfer' need generated images/.test(String(e))) throw e;
        },
      );
  },
});

Deno.test({
  name: 'experiment: a bank directory with generative sources runs the paper methods unchanged',
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    const bank = {
      ...randomBank(11, { N: 60, S: 4, K: 2, D: 8, C: 3 }),
      sources: ['identity', 'local', 'transfer', 'prompt'],
    };
    await writeBankDir(`${dir}/bank`, bank);
    const lines: string[] = [];
    const io: CliIO = { out: (l) => lines.push(l), err: () => {} };
    const methods = 'identity,dafusion,git,search-free,wo-local,wo-transfer,autogenda';
    const argv = [
      '--bank',
      `${dir}/bank`,
      '--methods',
      methods,
      '--seeds',
      '2',
      '--epochs',
      '2',
      '--out',
      `${dir}/out`,
    ];
    const code = await makeExperiment().run({ argv, io });
    if (code !== 0) fail(`exit ${code}: ${lines.join('\n')}`);
    const records: RunRecord[] = JSON.parse(await Deno.readTextFile(`${dir}/out/results.json`)).records;
    if (records.length !== 14) fail(`${records.length} records, expected 7 methods × 2 seeds`);
    const src = (m: string) => records.find((r) => r.method === m)!.sources.join(',');
    if (src('dafusion') !== 'identity,prompt' || src('wo-local') !== 'identity,transfer')
      fail('wrong sources');
    const free = records.find((r) => r.method === 'search-free')!.probs;
    if (free.some((p) => p.some((x) => Math.abs(x - 1 / 3) > 1e-6))) fail('search-free must be uniform');
    if (!lines.join('\n').includes('| method | bank | avg rank |')) fail(`no table:\n${lines.join('\n')}`);
    await Deno.remove(dir, { recursive: true });
  },
});
