// Minimal repro of the caption-stage SIGSEGV (docs/SEGFAULT.md): Deno's WebGPU on Mesa lavapipe keeps
// one memory mapping per live bind group until V8 collects the JS wrapper; nothing makes V8 collect, so
// the mappings reach vm.max_map_count and lavapipe crashes in its next descriptor-set allocation.
//
//   deno run -A --no-check scripts/repro-lavapipe-segfault.ts webgpu [N]      bind groups only, no ORT
//   deno run -A --no-check scripts/repro-lavapipe-segfault.ts ort [N] [--gc]  the fixture captioner's graphs
//
// `webgpu` creates and drops N bind groups (default 200 000); `ort` runs N greedy captions (default 400)
// of the fixture vit-gpt2 encoder + merged decoder on ONNX Runtime's WebGPU EP, with the KV cache kept
// on the GPU (preferredOutputLocation 'gpu-buffer') and every tensor disposed. Both print the process's
// memory mappings; without --gc both die with exit 139. --gc adds src/ort/gc-nudge.ts (the fix).
import type * as Ort from 'onnxruntime-web';
import { decoderGraph, TINY, vitEncoderGraph } from '../models/fixtures/captioner.ts';
import { GcNudge, gcNudge } from '../src/ort/gc-nudge.ts';

declare const Deno: { args: string[]; readTextFileSync(p: string): string };

const [mode = 'ort', nArg] = Deno.args.filter((a) => !a.startsWith('--'));
const withGc = Deno.args.includes('--gc');
const maps = () => Deno.readTextFileSync('/proc/self/maps').split('\n').length - 1;
const limit = Number(Deno.readTextFileSync('/proc/sys/vm/max_map_count'));
const nudge = withGc ? await gcNudge() : new GcNudge(undefined);
const log = (what: string) =>
  console.log(`${what}: ${maps()} mappings (limit ${limit}), ${nudge.collections} collections`);

if (mode === 'webgpu') {
  const n = Number(nArg ?? 200_000);
  const device = await (await navigator.gpu.requestAdapter())!.requestDevice();
  const buffer = device.createBuffer({ size: 256, usage: GPUBufferUsage.STORAGE });
  const layout = device.createBindGroupLayout({
    entries: [{ binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } }],
  });
  for (let i = 1; i <= n; i++) {
    device.createBindGroup({ layout, entries: [{ binding: 0, resource: { buffer } }] }); // dropped at once
    if (i % 100 === 0) nudge.afterRun();
    if (i % 10_000 === 0) log(`${i} bind groups created and dropped`);
  }
} else {
  const n = Number(nArg ?? 400);
  // The real run holds ~20 MB of live JS (store index, captions, progress); with that much the next full
  // collection is far off and none comes before the crash. A bare loop has a tiny heap and gets one now
  // and then by luck, so the repro keeps a similar ballast alive.
  const ballast = Array.from({ length: 400_000 }, (_, i) => ({ i, s: `item ${i}` }));
  const ort = (await import('onnxruntime-web/webgpu')) as typeof Ort;
  ort.env.logLevel = 'error';
  const vocab = 64;
  const eosId = 0;
  const webgpu = { executionProviders: ['webgpu'] };
  const encoder = await ort.InferenceSession.create(vitEncoderGraph(), webgpu);
  const decoder = await ort.InferenceSession.create(
    // eosBias -100: never stops, so every caption is the same 1 + 7 decoder runs
    decoderGraph({ ...TINY, vocab }, { layout: 'encoder-decoder', eosId, eosBias: -100 }),
    { ...webgpu, preferredOutputLocation: 'gpu-buffer' },
  );
  const kvNames = decoder.inputNames.filter((x) => x.startsWith('past_key_values'));
  const pixels = new ort.Tensor('float32', new Float32Array(3 * 32 * 32).fill(0.5), [1, 3, 32, 32]);
  const t0 = performance.now();
  for (let img = 1; img <= n; img++) {
    const enc = (await encoder.run({ pixel_values: pixels })).last_hidden_state;
    let kv: Record<string, Ort.Tensor> = Object.fromEntries(
      kvNames.map((k) => [
        k,
        new ort.Tensor('float32', new Float32Array(0), [1, TINY.heads, 0, TINY.headDim]),
      ]),
    );
    let ids = [1, 2, 3, 4, 5]; // a 5-token prompt, then one token per step
    for (let step = 0; step < 8; step++) {
      const out = await decoder.run({
        input_ids: new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, ids.length]),
        encoder_hidden_states: enc,
        use_cache_branch: new ort.Tensor('bool', Uint8Array.of(step > 0 ? 1 : 0), [1]),
        ...kv,
      });
      nudge.afterRun();
      const logits = (await out.logits.getData()) as Float32Array;
      out.logits.dispose();
      for (const t of Object.values(kv)) if (t.location === 'gpu-buffer') t.dispose();
      kv = Object.fromEntries(kvNames.map((k) => [k, out[k.replace('past_key_values', 'present')]]));
      const last = logits.subarray(logits.length - vocab);
      ids = [last.indexOf(Math.max(...last))];
    }
    for (const t of Object.values(kv)) t.dispose();
    if (img % 25 === 0) {
      log(
        `${img} captions, ${((performance.now() - t0) / img).toFixed(0)} ms each, ${ballast.length} live objects`,
      );
    }
  }
}
console.log('finished without a crash');
