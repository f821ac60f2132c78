// Run by test/e2e/stages-deno.test.ts under Deno: stages on Deno's WebGPU (onnxruntime-web/webgpu)
// from a local folder, and the directory model store downloading from the test's HTTP server.
// Prints one JSON line with the results.
import { CancelledError } from '../../src/core/errors.ts';
import { downloadFile } from '../../src/models/download.ts';
import { denoFolderSource } from '../../src/models/folder.ts';
import { parseManifest } from '../../src/models/manifest.ts';
import { DirectoryStore } from '../../src/models/store-deno.ts';
import { openCaptioner, openEmbedder } from '../../src/stages/open-stage.ts';

declare const Deno: { args: string[]; readTextFile(p: string): Promise<string> };

const [dir, serverUrl, storeDir] = Deno.args;
const manifest = async (id: string) =>
  parseManifest(JSON.parse(await Deno.readTextFile(`${dir}/${id}/manifest.json`)));
const out: Record<string, unknown> = {};

const e = await openEmbedder(await manifest('tiny-minilm'), {
  folder: denoFolderSource(`${dir}/tiny-minilm`),
});
out.embedder = {
  ep: e.model.ep,
  reason: e.model.fallbackReason,
  vectors: Array.from(await e.stage.embed(['dog', 'the owl'])),
};
await e.model.dispose();

const c = await openCaptioner(await manifest('tiny-vit-gpt2'), {
  folder: denoFolderSource(`${dir}/tiny-vit-gpt2`),
});
const img = {
  width: 48,
  height: 40,
  channels: 3 as const,
  data: new Uint8Array(48 * 40 * 3).map((_, i) => i % 251),
};
const cap = await c.stage.caption(img, 'cat', { maxNewTokens: 4 });
out.captioner = { ep: c.model.ep, text: cap.text, pastLengths: cap.pastLengths, generated: cap.generated };
await c.model.dispose();

const store = new DirectoryStore(storeDir);
const url = `${serverUrl}/big.bin`;
const ac = new AbortController();
const aborted = await downloadFile(store, {
  url,
  key: 'm/big.bin',
  signal: ac.signal,
  onProgress: (l) => l > 100_000 && ac.abort(),
})
  .then(() => 'finished')
  .catch((err) => (err instanceof CancelledError ? 'cancelled' : String(err)));
const partial = await store.partialSize('m/big.bin');
const completeAfterAbort = (await store.meta('m/big.bin')) !== undefined;
const first = await downloadFile(store, { url, key: 'm/big.bin' });
const again = await downloadFile(store, { url, key: 'm/big.bin', sha256: first.meta.sha256 });
out.store = {
  aborted,
  partial,
  completeAfterAbort,
  sha256: first.meta.sha256,
  size: first.meta.size,
  cachedRequests: again.requests,
  fromCache: again.fromCache,
};
console.log(JSON.stringify(out));
