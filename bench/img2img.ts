/**
 * img2img per-phase times (text encoder, VAE encode, each UNet step, VAE decode) and images per
 * minute, on each execution provider, in one run. Default: the tiny fixture graphs (plumbing cost:
 * ORT dispatch, readbacks, the TS scheduler) at a chosen resolution; `--model DIR` benchmarks a real
 * export laid out as DIR/manifest.json + its files (nothing is downloaded).
 *
 *   node_modules/.bin/deno run -A --no-check bench/img2img.ts [--ep webgpu,wasm] [--steps 10]
 *       [--res 64] [--runs 3] [--guidance 7.5] [--batch 1] [--model DIR] [--json out.json]
 */
import { diffusionFixture, type FixturePackage } from '../models/fixtures/index.ts';
import { parseManifest } from '../src/models/manifest.ts';
import { openImg2Img } from '../src/stages/img2img/open.ts';
import { Img2Img } from '../src/stages/img2img/pipeline.ts';
import { cpuInfo, loadAverage } from './system.ts';

declare const Deno: {
  args: string[];
  readFile(p: string): Promise<Uint8Array>;
  readTextFileSync(p: string): string;
  writeTextFileSync(p: string, s: string): void;
};
const arg = (name: string, d: string) => {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Deno.args[i + 1] : d;
};
const eps = arg('ep', 'webgpu,wasm').split(',') as ('webgpu' | 'wasm')[];
const steps = Number(arg('steps', '10'));
const res = Number(arg('res', '64'));
const runs = Number(arg('runs', '3'));
const guidance = Number(arg('guidance', '7.5'));
const dir = arg('model', '');
const batch = Number(arg('batch', '1'));

async function source(): Promise<
  FixturePackage | { manifest: ReturnType<typeof parseManifest>; files?: undefined }
> {
  if (!dir) return diffusionFixture();
  return { manifest: parseManifest(JSON.parse(Deno.readTextFileSync(`${dir}/manifest.json`)), dir) };
}

const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)] ?? 0;
const adapter = await (navigator as Navigator & { gpu?: GPU }).gpu?.requestAdapter();
const info = adapter?.info
  ? `${adapter.info.vendor} ${adapter.info.architecture} ${adapter.info.description}`
  : 'none';
console.log(`# img2img bench — ${cpuInfo()}, load ${loadAverage()}, WebGPU adapter: ${info}`);
console.log(
  `model: ${dir || 'tiny fixture graphs'}, ${res}×${res}, ${steps} steps, strength 0.5, guidance ${guidance}\n`,
);
console.log(
  '| ep | batch | text encoder ms | VAE encode ms | UNet step ms (median / first) | VAE decode ms | total ms | images/min |',
);
console.log('|---|---|---|---|---|---|---|---|');
const rows: unknown[] = [];
for (const ep of eps) {
  const src = await source();
  const folder = src.files
    ? { read: async (p: string) => src.files!.get(p) }
    : { read: (p: string) => Deno.readFile(`${dir}/${p}`) };
  const t0 = performance.now();
  const opened = await openImg2Img(src.manifest, { folder, ep });
  const loadMs = performance.now() - t0;
  const pipe = new Img2Img(opened.stage.models, { ...opened.stage.settings, width: res, height: res });
  const img = {
    width: res,
    height: res,
    channels: 3 as const,
    data: new Uint8Array(res * res * 3).map((_, i) => (i * 7) % 256),
  };
  const warm = Array.from({ length: batch }, (_, b) => ({ image: img, prompt: 'a photo of a cat', seed: b }));
  await pipe.generateBatch(warm, { steps: 2, guidance }); // warm-up at the measured batch (shaders, arenas)
  const all: { text: number; enc: number; unet: number[]; dec: number; total: number }[] = [];
  for (let r = 0; r < runs; r++) {
    const s = performance.now();
    const jobs = Array.from({ length: batch }, (_, b) => ({
      image: img,
      prompt: 'a photo of a cat',
      negativePrompt: 'blurry',
      seed: r * batch + b,
    }));
    const g = await pipe.generateBatch(jobs, { steps, guidance });
    all.push({
      text: g.ms.textEncoder,
      enc: g.ms.vaeEncoder,
      unet: g.ms.unetSteps,
      dec: g.ms.vaeDecoder,
      total: performance.now() - s,
    });
  }
  const row = {
    ep: opened.ep,
    loadMs,
    textEncoderMs: median(all.map((a) => a.text)),
    vaeEncodeMs: median(all.map((a) => a.enc)),
    unetStepMs: median(all.flatMap((a) => a.unet)),
    unetFirstStepMs: median(all.map((a) => a.unet[0] ?? 0)),
    unetSteps: all[0].unet.length,
    vaeDecodeMs: median(all.map((a) => a.dec)),
    totalMs: median(all.map((a) => a.total)),
  };
  rows.push({ ...row, batch });
  const f = (v: number) => v.toFixed(1);
  console.log(
    `| ${row.ep} | ${batch} | ${f(row.textEncoderMs)} | ${f(row.vaeEncodeMs)} | ${f(row.unetStepMs)} / ${f(row.unetFirstStepMs)} (×${row.unetSteps}) | ${f(row.vaeDecodeMs)} | ${f(row.totalMs)} | ${((60000 * batch) / row.totalMs).toFixed(1)} |`,
  );
  await opened.dispose();
}
const json = arg('json', '');
if (json)
  Deno.writeTextFileSync(json, JSON.stringify({ adapter: info, res, steps, guidance, runs, rows }, null, 1));
console.log(`\n${JSON.stringify(rows)}`);
