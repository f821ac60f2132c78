// Runs each model stage through its worker on WebGPU and on wasm; leaves results on window.__stages.
import * as Comlink from 'comlink';
import { sha256 } from 'hash-wasm';
import type { DownloadProgress, ProgressUpdate } from '../../src/core/progress.ts';
import type { ModelManifest } from '../../src/models/manifest.ts';
import { resizeAndCrop } from '../../src/stages/image/preprocess.ts';
import type { RgbImage } from '../../src/stages/image/resample.ts';
import type { BackboneApi, CaptionerApi, EmbedderApi, LoadInfo } from '../../src/stages/worker-api.ts';
import { revived, wrapStage } from '../../src/stages/worker-client.ts';

const w = window as unknown as { __stages?: unknown; __stagesError?: string };
const pre = document.getElementById('log')!;
const log = (s: string) => {
  pre.textContent += `${s}\n`;
};
const base = new URLSearchParams(location.search).get('models')!;

async function photo(name: string): Promise<RgbImage> {
  const blob = await (await fetch(`${base}/photos/${name}`)).blob();
  // no colour management, no premultiplication: the PNG's own bytes, as Pillow reads them
  const bmp = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  const ctx = new OffscreenCanvas(bmp.width, bmp.height).getContext('2d')!;
  ctx.drawImage(bmp, 0, 0);
  const { data } = ctx.getImageData(0, 0, bmp.width, bmp.height);
  return { width: bmp.width, height: bmp.height, channels: 4, data: new Uint8Array(data.buffer) };
}

// Literal URLs: Vite bundles a worker only from `new Worker(new URL('…', import.meta.url))`.
const workers = {
  embedder: () =>
    new Worker(new URL('../../workers/embedder.worker.ts', import.meta.url), { type: 'module' }),
  backbone: () =>
    new Worker(new URL('../../workers/backbone.worker.ts', import.meta.url), { type: 'module' }),
  captioner: () =>
    new Worker(new URL('../../workers/captioner.worker.ts', import.meta.url), { type: 'module' }),
};
const worker = (name: keyof typeof workers) => workers[name]();

async function load<T extends { load: EmbedderApi['load'] }>(
  api: Comlink.Remote<T>,
  manifest: ModelManifest,
  ep: 'webgpu' | 'wasm',
  variant?: string,
): Promise<{ info: LoadInfo; progress: DownloadProgress[] }> {
  const progress: DownloadProgress[] = [];
  const onProgress = Comlink.proxy((e: ProgressUpdate) => {
    if (e.type === 'download' && e.file === manifest.id) progress.push(e);
  });
  const info = await revived(
    api.load({ manifest, baseUrl: `${base}/${manifest.id}`, ep, variant }, onProgress),
  );
  return { info, progress };
}

async function run() {
  const manifests = (await (await fetch(`${base}/index.json`)).json()) as Record<string, ModelManifest>;
  const coffee = await photo('coffee.png');
  const hfPre = manifests.backboneHf.backbone!.preprocess;
  const out: Record<string, unknown> = {
    cropSha256: await sha256(resizeAndCrop(coffee, hfPre).data as Uint8Array),
  };
  for (const ep of ['webgpu', 'wasm'] as const) {
    const r: Record<string, unknown> = {};
    out[ep] = r;
    const t0 = performance.now();

    const emb = wrapStage<EmbedderApi>(worker('embedder'));
    r.embedderLoad = await load(emb, manifests.embedder, ep);
    r.embed = Array.from(await revived(emb.embed(['dog', 'the owl'])));
    log(`${ep}: embedder ${JSON.stringify(r.embed)}`);

    for (const key of ['backboneHf', 'backboneTv'] as const) {
      const bb = wrapStage<BackboneApi>(worker('backbone'));
      r[`${key}Load`] = await load(bb, manifests[key], ep);
      const img = { ...coffee, data: coffee.data.slice() };
      const f = await revived(bb.features(Comlink.transfer([img], [img.data.buffer])));
      r[key] = Array.from(f);
      log(`${ep}: ${key} ${f.length} features`);
    }

    for (const key of ['vitGpt2', 'smolVlm'] as const) {
      const cap = wrapStage<CaptionerApi>(worker('captioner'));
      r[`${key}Load`] = await load(cap, manifests[key], ep);
      r[`${key}Greedy`] = await revived(cap.caption(coffee, 'cat', { maxNewTokens: 6 }));
      r[`${key}Beam`] = await revived(cap.caption(coffee, 'sea lion', { numBeams: 3, maxNewTokens: 4 }));
      await load(cap, manifests[key], ep, 'eos-now');
      r[`${key}Eos`] = await revived(cap.caption(coffee, 'owl'));
      log(`${ep}: ${key} ${JSON.stringify((r[`${key}Greedy`] as { text: string }).text)}`);
    }
    // a second load of the same model (new worker, same OPFS cache) makes no request
    const again = wrapStage<EmbedderApi>(worker('embedder'));
    r.reload = await load(again, manifests.embedder, ep);
    r.seconds = (performance.now() - t0) / 1000;
  }
  // A local folder (offline use): files the user already has, read in place through a directory handle.
  const root = await navigator.storage.getDirectory();
  const picked = await root.getDirectoryHandle('picked-folder', { create: true });
  for (const path of Object.keys(manifests.embedder.files)) {
    let dir = picked;
    const parts = path.split('/');
    for (const p of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(p, { create: true });
    const bytes = await (await fetch(`${base}/${manifests.embedder.id}/${path}?copy`)).arrayBuffer();
    const f = await (await dir.getFileHandle(parts.at(-1)!, { create: true })).createWritable();
    await f.write(bytes);
    await f.close();
  }
  const local = wrapStage<EmbedderApi>(worker('embedder'));
  out.folderLoad = await revived(
    local.load({ manifest: manifests.embedder, folder: picked, ep: 'wasm', store: 'memory' }),
  );
  out.folderEmbed = Array.from(await revived(local.embed(['dog', 'the owl'])));
  w.__stages = out;
}

run().catch((e) => {
  w.__stagesError = `${(e as Error).name}: ${(e as Error).message}\n${(e as Error).stack}`;
});
