/**
 * Throughput of the augmentation stage on Fashion-MNIST views: the WGSL kernel (Augmenter.features) vs the
 * CPU reference on the same sampled ops, in the same run. Not a test. Run:
 *   XDG_RUNTIME_DIR=/tmp node_modules/.bin/deno run -A --no-check bench/fashion-mnist-augment.ts [views]
 */

import { loadFashionMnist } from '../src/experiment/fashion-mnist.ts';
import { adapterLabel } from '../src/gpu/capabilities.ts';
import { Gpu } from '../src/gpu/device.ts';
import { Augmenter } from '../src/stages/augment/augmenter.ts';
import { greyToRgba, packBatch } from '../src/stages/augment/image.ts';
import { sampleView, toSteps, VIEW_PIPELINES } from '../src/stages/augment/pipelines.ts';
import { applyReference } from '../src/stages/augment/reference.ts';
import { viewRng } from '../src/stages/augment/view-rng.ts';

declare const Deno: { readFile(p: string): Promise<Uint8Array>; args: string[] };

const count = Number(Deno.args[0] ?? 4096);
const set = await loadFashionMnist('train', (p) => Deno.readFile(p));
const D = set.rows * set.cols;
const images = Array.from({ length: count }, (_, i) =>
  greyToRgba(set.images.subarray(i * D, (i + 1) * D), set.cols, set.rows),
);
const batch = packBatch(images);
const gpu = await Gpu.acquire();
const aug = await Augmenter.create(gpu);
const rows: { pipeline: string; views: number; gpuMs: number; cpuMs: number }[] = [];
for (const name of Object.keys(VIEW_PIPELINES)) {
  const ops = images.map((_, n) =>
    sampleView(VIEW_PIPELINES[name], viewRng(0, name, n, 0), set.cols, set.rows),
  );
  const steps = toSteps(ops);
  await aug.features(batch, steps, 'grey'); // warm-up: compile, allocate
  let t = performance.now();
  await aug.features(batch, steps, 'grey');
  const gpuMs = performance.now() - t;
  t = performance.now();
  images.forEach((img, n) => {
    let x = img;
    for (const op of ops[n]) x = applyReference(x, op).image;
  });
  rows.push({ pipeline: name, views: count, gpuMs, cpuMs: performance.now() - t });
}
gpu.destroy();
console.log(
  `adapter: ${adapterLabel(gpu.capabilities)}; ${count} views of 28×28 per pipeline (incl. upload + readback)`,
);
console.log('| pipeline | GPU views/s | CPU reference views/s | GPU / CPU |');
console.log('|---|---:|---:|---:|');
for (const r of rows)
  console.log(
    `| ${r.pipeline} | ${Math.round((1000 * r.views) / r.gpuMs)} | ${Math.round((1000 * r.views) / r.cpuMs)} | ${(r.cpuMs / r.gpuMs).toFixed(1)}× |`,
  );
console.log(JSON.stringify(rows));
