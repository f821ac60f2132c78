/**
 * The pipeline's features stage, one backbone call per image (as before) vs one call per batch
 * (featureItems, batch 8 and 32), side by side on each execution provider in one run: ms per image
 * and the ratio. Default: the tiny fixture backbone — so this measures per-call cost (ORT dispatch,
 * preprocessing, readback), which is what batching removes; `--model DIR` times a real export laid out
 * as DIR/manifest.json + its files (nothing is downloaded).
 *
 *   node_modules/.bin/deno run -A --no-check bench/feature-batch.ts [--ep webgpu,wasm] [--images 64]
 *       [--res 224] [--runs 3] [--model DIR]      (or: npx autogenda bench features …)
 */
import { backboneFixture } from '../models/fixtures/index.ts';
import { Rng } from '../src/core/rng.ts';
import { parseManifest } from '../src/models/manifest.ts';
import type { RgbImage } from '../src/stages/image/resample.ts';
import { openBackbone } from '../src/stages/open-stage.ts';
import { cpuInfo, loadAverage } from './system.ts';

declare const Deno: {
  args: string[];
  readFile(p: string): Promise<Uint8Array>;
  readTextFileSync(p: string): string;
};
const arg = (name: string, d: string) => {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Deno.args[i + 1] : d;
};
const eps = arg('ep', 'webgpu,wasm').split(',') as ('webgpu' | 'wasm')[];
const count = Number(arg('images', '64'));
const res = Number(arg('res', '224'));
const runs = Number(arg('runs', '3'));
const dir = arg('model', '');

const rng = new Rng(1);
const images: RgbImage[] = Array.from({ length: count }, () => {
  const data = new Uint8Array(res * res * 3);
  for (let i = 0; i < data.length; i++) data[i] = rng.int(256);
  return { width: res, height: res, channels: 3, data };
});
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)] ?? 0;

const adapter = await (navigator as Navigator & { gpu?: GPU }).gpu?.requestAdapter();
const info = adapter?.info
  ? `${adapter.info.vendor} ${adapter.info.architecture} ${adapter.info.description}`
  : 'none';
console.log(`# features bench — ${cpuInfo()}, load ${loadAverage()}, WebGPU adapter: ${info}`);
console.log(
  `model: ${dir || 'tiny fixture backbone'}, ${count} images of ${res}×${res}, median of ${runs} runs\n`,
);
console.log(
  '| ep | per image (batch 1) ms/img | batch 8 ms/img | batch 32 ms/img | batch 8 speed-up | batch 32 speed-up |',
);
console.log('|---|---|---|---|---|---|');
for (const ep of eps) {
  const fx = dir ? undefined : await backboneFixture('hf');
  const manifest = fx
    ? fx.manifest
    : parseManifest(JSON.parse(Deno.readTextFileSync(`${dir}/manifest.json`)), dir);
  const folder = fx
    ? { read: async (p: string) => fx.files.get(p) }
    : { read: (p: string) => Deno.readFile(`${dir}/${p}`) };
  const bb = await openBackbone(manifest, { folder, ep });
  try {
    const time = async (batch: number) => {
      const t: number[] = [];
      for (let r = 0; r < runs + 1; r++) {
        const t0 = performance.now();
        // batch 1 = the old features stage: one call per image.
        if (batch === 1) for (const im of images) await bb.stage.features([im]);
        else await bb.stage.features(images, { batchSize: batch });
        if (r > 0) t.push((performance.now() - t0) / count); // run 0 warms up
      }
      return median(t);
    };
    const one = await time(1);
    const eight = await time(8);
    const big = await time(32);
    console.log(
      `| ${bb.model.ep} | ${one.toFixed(2)} | ${eight.toFixed(2)} | ${big.toFixed(2)} | ${(one / eight).toFixed(2)}× | ${(one / big).toFixed(2)}× |`,
    );
  } finally {
    await bb.model.dispose();
  }
}
