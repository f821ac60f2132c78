// Runs the img2img stage through workers/diffusion.worker.ts on WebGPU and on wasm; results on window.__diffusion.
import type { ModelManifest } from '../../src/models/manifest.ts';
import type { DiffusionApi } from '../../src/stages/img2img/worker-api.ts';
import { revived, wrapStage } from '../../src/stages/worker-client.ts';

const w = window as unknown as { __diffusion?: unknown; __diffusionError?: string };
const pre = document.getElementById('log')!;
const log = (s: string) => {
  pre.textContent += `${s}\n`;
};
const base = new URLSearchParams(location.search).get('models')!;

/** The same 40×48 card the Node reference uses (test/e2e/diffusion.test.ts). */
function card() {
  const width = 40;
  const height = 48;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) data.set([x * 6, y * 5, (x * y) % 256], (y * width + x) * 3);
  return { width, height, channels: 3 as const, data };
}

async function run() {
  const manifests = (await (await fetch(`${base}/index.json`)).json()) as Record<string, ModelManifest>;
  const ti = new Uint8Array(await (await fetch(`${base}/ti.json`)).arrayBuffer());
  const out: Record<string, unknown> = {};
  for (const ep of ['webgpu', 'wasm'] as const) {
    const r: Record<string, unknown> = {};
    out[ep] = r;
    for (const [key, manifest] of Object.entries(manifests)) {
      const api = wrapStage<DiffusionApi>(
        new Worker(new URL('../../workers/diffusion.worker.ts', import.meta.url), { type: 'module' }),
      );
      const t0 = performance.now();
      const info = await revived(
        api.load({
          manifest,
          baseUrl: `${base}/${manifest.id}`,
          ep,
          store: 'memory',
          embeddings: [{ file: 'ti.json', bytes: ti }],
        }),
      );
      const opts = { prompt: 'a photo of a <tabby>', negativePrompt: 'dog', steps: 10, seed: 7 };
      const a = await revived(api.generate(card(), opts));
      const b = await revived(api.generate(card(), opts));
      const s0 = await revived(api.generate(card(), { ...opts, strength: 0 }));
      const s1 = await revived(api.generate(card(), { ...opts, strength: 1 }));
      const other = card();
      other.data.reverse();
      const batch = await revived(
        api.generateBatch(
          [
            { image: card(), prompt: opts.prompt, negativePrompt: opts.negativePrompt, seed: opts.seed },
            { image: other, prompt: 'a red car', seed: 99 },
          ],
          { steps: opts.steps },
        ),
      );
      const batchWorst = Math.max(
        ...Array.from(a.image.data, (v, i) => Math.abs(v - batch.images[0].data[i])),
      );
      r[key] = {
        info,
        a: Array.from(a.image.data),
        same: a.image.data.every((v, i) => v === b.image.data[i]),
        size: [a.image.width, a.image.height],
        steps: [a.unetSteps, s0.unetSteps, s1.unetSteps],
        first: [a.timesteps[0], s1.timesteps[0]],
        unetMs: a.ms.unetSteps,
        batchWorst,
        seconds: (performance.now() - t0) / 1000,
      };
      await revived(api.dispose());
      log(`${ep} ${key}: ${info.ep} ${JSON.stringify(r[key] && (r[key] as { steps: number[] }).steps)}`);
    }
  }
  // An fp16 export on an adapter without shader-f16 (SwiftShader): refused before loading, by name.
  const fp16 = (await (await fetch(`${base}/fp16.json`)).json()) as ModelManifest;
  const api = wrapStage<DiffusionApi>(
    new Worker(new URL('../../workers/diffusion.worker.ts', import.meta.url), { type: 'module' }),
  );
  const adapter = await navigator.gpu.requestAdapter();
  out.hasF16 = adapter?.features.has('shader-f16') ?? false;
  try {
    await revived(api.load({ manifest: fp16, baseUrl: `${base}/${fp16.id}`, ep: 'webgpu', store: 'memory' }));
    out.fp16Webgpu = 'loaded';
  } catch (e) {
    out.fp16Webgpu = `${(e as Error).name}: ${(e as Error).message}`;
  }
  // … it runs on wasm; and cancel() stops a long generation with CancelledError
  await revived(api.load({ manifest: fp16, baseUrl: `${base}/${fp16.id}`, ep: 'wasm', store: 'memory' }));
  const long = revived(api.generate(card(), { prompt: 'cat', steps: 1000, strength: 1, seed: 1 }));
  await new Promise((r) => setTimeout(r, 50));
  await api.cancel();
  out.cancelled = await long.then(
    () => 'finished',
    (e: Error) => e.name,
  );
  w.__diffusion = out;
}

run().catch((e) => {
  w.__diffusionError = `${(e as Error).name}: ${(e as Error).message}\n${(e as Error).stack}`;
});
