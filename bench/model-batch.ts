/**
 * The pipeline's caption and candidates stages, one model call per image vs batched (the run's
 * `--batch-caption` / `--batch-generate`), side by side on each execution provider in one run: ms
 * per image at batch 1, 2, 4, 8 and the speed-up over batch 1. It goes through openStages (the same
 * code as `autogenda run`) on the fixture models, so the figures are per-call cost (ORT dispatch,
 * copies, the TS scheduler and search), not real model compute. Batch 1 is the one-at-a-time path
 * (`caption` / `generate`); the others are `captionBatch` / `generateBatch`.
 *
 *   node_modules/.bin/deno run -A --no-check bench/model-batch.ts [--ep webgpu,wasm] [--images 16]
 *       [--steps 4] [--guidance 7.5] [--runs 3] [--batches 1,2,4,8] [--only generate,caption]
 *       (or: npx autogenda bench batch …)
 */
import { Rng } from '../src/core/rng.ts';
import { fixtureModelsFolder } from '../src/pipeline/app/fixtures.ts';
import { openStages } from '../src/pipeline/open-stages.ts';
import type { PipelineStages } from '../src/pipeline/stages.ts';
import type { RgbImage } from '../src/stages/image/resample.ts';
import { cpuInfo, debianPackageVersion, loadAverage } from './system.ts';

declare const Deno: { args: string[] };
const arg = (name: string, d: string) => {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Deno.args[i + 1] : d;
};
const eps = arg('ep', 'webgpu,wasm').split(',') as ('webgpu' | 'wasm')[];
const count = Number(arg('images', '16'));
const steps = Number(arg('steps', '4'));
const guidance = Number(arg('guidance', '7.5'));
const runs = Number(arg('runs', '3'));
const batches = arg('batches', '1,2,4,8').split(',').map(Number);
const only = arg('only', 'generate,caption').split(',');

const rng = new Rng(1);
// the fixture img2img works at 64×64; the captioner resizes whatever it gets
const images: RgbImage[] = Array.from({ length: count }, () => {
  const data = new Uint8Array(64 * 64 * 3);
  for (let i = 0; i < data.length; i++) data[i] = rng.int(256);
  return { width: 64, height: 64, channels: 3, data };
});
const classes = ['cat', 'dog', 'tabby cat', 'golden retriever'];
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)] ?? 0;

// captions: two classes in contiguous halves, as a dataset read class folder by class folder
const classOf = (i: number) => classes[Math.floor((i * 2) / count)];

/** Runs every image through one stage `batch` at a time; each image's output as a string. */
type Work = (st: PipelineStages, batch: number) => Promise<string[]>;
const work: Record<string, Work> = {
  generate: async (st, batch) => {
    const req = (i: number) => ({
      prompt: `a photo of a ${classes[i % 4]}`,
      seed: i,
      strength: 0.5,
      steps,
      guidance,
    });
    const out: string[] = [];
    for (let i = 0; i < count; i += batch) {
      const idx = images.slice(i, i + batch).map((_, b) => i + b);
      const got =
        batch === 1
          ? [await st.generate(images[i], req(i))]
          : await (st.generateBatch as NonNullable<PipelineStages['generateBatch']>)(
              idx.map((j) => ({ image: images[j], request: req(j) })),
            );
      for (const g of got) out.push(g.data.join(','));
    }
    return out;
  },
  caption: async (st, batch) => {
    const out: string[] = [];
    for (let i = 0; i < count; i += batch) {
      const idx = images.slice(i, i + batch).map((_, b) => i + b);
      if (batch === 1) out.push(await st.caption(images[i], classOf(i)));
      else
        out.push(
          ...(await (st.captionBatch as NonNullable<PipelineStages['captionBatch']>)(
            idx.map((j) => ({ image: images[j], className: classOf(j) })),
          )),
        );
    }
    return out;
  },
};

const adapter = await (navigator as Navigator & { gpu?: GPU }).gpu?.requestAdapter();
const info = adapter?.info
  ? `${adapter.info.vendor} ${adapter.info.architecture} ${adapter.info.description}`
  : 'none';
console.log(
  `# model-batch bench — ${cpuInfo()}, load ${loadAverage()}, WebGPU adapter: ${info}, mesa-vulkan-drivers ${debianPackageVersion('mesa-vulkan-drivers')}`,
);
console.log(
  `fixture models, ${count} images, img2img ${steps} steps at strength 0.5, guidance ${guidance}; median of ${runs} runs after a warm-up\n`,
);
const head = batches.map((b) => `batch ${b} ms/img`);
const ups = batches.filter((b) => b !== 1).map((b) => `batch ${b} speed-up`);
console.log(`| stage | ep | ${[...head, ...ups].join(' | ')} | outputs vs batch ${batches[0]} |`);
console.log(`|---|---|${[...head, ...ups].map(() => '---').join('|')}|---|`);
const json: Record<string, Record<string, Record<number, number>>> = {};
for (const ep of eps) {
  const st = await openStages(await fixtureModelsFolder(), 'fixtures', { ep });
  try {
    for (const name of only) {
      // batches interleaved within each run, so load from other processes hits every batch size alike
      const t = new Map<number, number[]>(batches.map((b) => [b, []]));
      const outputs = new Map<number, string[]>();
      for (let r = 0; r < runs + 1; r++) {
        for (const b of batches) {
          const t0 = performance.now();
          outputs.set(b, await work[name](st, b));
          if (r > 0) t.get(b)?.push((performance.now() - t0) / count); // run 0 warms up
        }
      }
      // batching must not change a single output (issue 14's acceptance), on this provider too
      const first = outputs.get(batches[0]) ?? [];
      const differ = batches.filter((b) => outputs.get(b)?.some((x, i) => x !== first[i]));
      const ms = Object.fromEntries(batches.map((b) => [b, median(t.get(b) ?? [])]));
      json[name] = { ...json[name], [ep]: ms };
      const cells = batches.map((b) => ms[b].toFixed(2));
      const ratios = batches.filter((b) => b !== 1).map((b) => `${(ms[1] / ms[b]).toFixed(2)}×`);
      const same = differ.length ? `differ: batch ${differ.join(', ')}` : 'identical';
      console.log(`| ${name} | ${ep} | ${[...cells, ...ratios, same].join(' | ')} |`);
    }
  } finally {
    await st.dispose();
  }
}
console.log(`\n${JSON.stringify({ images: count, steps, guidance, runs, ms: json })}`);
