import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CancelledError, DownloadError, ModelIntegrityError } from '../../src/core/errors.ts';
import type { DownloadProgress, ProgressUpdate } from '../../src/core/progress.ts';
import { Rng } from '../../src/core/rng.ts';
import { downloadFile } from '../../src/models/download.ts';
import { fetchModel } from '../../src/models/fetch.ts';
import { type ModelManifest, parseManifest } from '../../src/models/manifest.ts';
import { clearModels, listModel, MemoryStore } from '../../src/models/store.ts';
import { FileServer } from '../support/http-server.ts';

const PORT = 4520;
const server = new FileServer(PORT);

function randomBytes(n: number, seed: number): Uint8Array {
  const r = new Rng(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = r.nextU32() & 0xff;
  return out;
}
// The oracle hash comes from Node's OpenSSL, independent of the hash-wasm code under test.
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

const BIG = randomBytes(1_000_003, 1); // odd size: last chunk partial
const BIG_SHA = sha(BIG);

beforeAll(async () => {
  await server.start();
});
afterAll(async () => {
  await server.stop();
});
beforeEach(() => {
  server.files.clear();
  server.faults.clear();
  server.log.length = 0;
  server.delayMs = 0;
  server.chunk = 1 << 16;
  server.files.set('/big.bin', BIG);
});

function progressRecorder() {
  const seen: [number, number][] = [];
  return { seen, on: (l: number, t: number) => seen.push([l, t]) };
}

function expectMonotonicToTotal(seen: [number, number][], total: number) {
  for (let i = 1; i < seen.length; i++) expect(seen[i][0]).toBeGreaterThanOrEqual(seen[i - 1][0]);
  expect(seen.at(-1)).toEqual([total, total]);
  expect(seen.length).toBeGreaterThan(3); // streamed, not one jump
}

const opts = (extra = {}) => ({
  url: `${server.url}/big.bin`,
  key: 'm/big.bin',
  size: BIG.length,
  sha256: BIG_SHA,
  ...extra,
});

describe('downloadFile against a local HTTP server', () => {
  it('streams with monotonic progress ending at the total, verifies and caches', async () => {
    const store = new MemoryStore();
    const p = progressRecorder();
    const r = await downloadFile(store, opts({ onProgress: p.on }));
    expect(r).toMatchObject({ fromCache: false, requests: 1 });
    expect(r.meta).toMatchObject({ key: 'm/big.bin', size: BIG.length, sha256: BIG_SHA });
    expect(sha(await store.read('m/big.bin'))).toBe(BIG_SHA);
    expectMonotonicToTotal(p.seen, BIG.length);
  });

  it('serves a second load from the cache with zero requests', async () => {
    const store = new MemoryStore();
    await downloadFile(store, opts());
    const before = server.log.length;
    const p = progressRecorder();
    const r = await downloadFile(store, opts({ onProgress: p.on }));
    expect(r).toMatchObject({ fromCache: true, requests: 0 });
    expect(server.log.length).toBe(before);
    expect(p.seen).toEqual([[BIG.length, BIG.length]]);
  });

  it('resumes an interrupted download with a Range request in the same call', async () => {
    server.faults.set('/big.bin', { dropAfter: 300_000 });
    const store = new MemoryStore();
    const p = progressRecorder();
    const r = await downloadFile(store, opts({ onProgress: p.on }));
    const log = server.requests('/big.bin');
    expect(log.map((x) => x.status)).toEqual([200, 206]);
    const resumedAt = Number(/bytes=(\d+)-/.exec(log[1].range!)![1]);
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThanOrEqual(300_000);
    expect(r.meta.sha256).toBe(BIG_SHA);
    expect(sha(await store.read('m/big.bin'))).toBe(BIG_SHA);
    expectMonotonicToTotal(p.seen, BIG.length);
  });

  it('abort leaves no file marked complete, and the next call resumes from the partial', async () => {
    server.delayMs = 5;
    server.chunk = 16_384;
    const store = new MemoryStore();
    const ac = new AbortController();
    const p = progressRecorder();
    const onProgress = (l: number, t: number) => {
      p.on(l, t);
      if (l > 200_000) ac.abort();
    };
    await expect(downloadFile(store, opts({ signal: ac.signal, onProgress }))).rejects.toBeInstanceOf(
      CancelledError,
    );
    expect(await store.meta('m/big.bin')).toBeUndefined();
    expect(await store.list()).toEqual([]);
    const partial = await store.partialSize('m/big.bin');
    expect(partial).toBeGreaterThan(200_000);
    expect(partial).toBeLessThan(BIG.length);

    server.delayMs = 0;
    const p2 = progressRecorder();
    const r = await downloadFile(store, opts({ onProgress: p2.on }));
    expect(server.requests('/big.bin').at(-1)!.range).toBe(`bytes=${partial}-`);
    expect(p2.seen[0][0]).toBe(partial); // resumed progress starts where the partial ends
    expectMonotonicToTotal(p2.seen, BIG.length);
    expect(r.meta.sha256).toBe(BIG_SHA);
    expect(sha(await store.read('m/big.bin'))).toBe(BIG_SHA);
  });

  it('rejects a corrupted file by its sha256 and fetches it again', async () => {
    server.faults.set('/big.bin', { corrupt: true });
    const store = new MemoryStore();
    const r = await downloadFile(store, opts());
    const log = server.requests('/big.bin');
    expect(log.map((x) => [x.status, x.range])).toEqual([
      [200, undefined],
      [200, undefined], // from scratch: a bad file is not resumed
    ]);
    expect(r.meta.sha256).toBe(BIG_SHA);
    expect(sha(await store.read('m/big.bin'))).toBe(BIG_SHA);
  });

  it('gives up with ModelIntegrityError when the source keeps serving a wrong file', async () => {
    server.faults.set('/big.bin', { corrupt: true, times: 10 });
    const store = new MemoryStore();
    const err = await downloadFile(store, opts()).catch((e) => e);
    expect(err).toBeInstanceOf(ModelIntegrityError);
    expect(err.message).toContain(BIG_SHA);
    expect(await store.meta('m/big.bin')).toBeUndefined();
    expect(await store.partialSize('m/big.bin')).toBe(0);
  });

  it('detects a partial damaged on disk: the resumed file fails its hash and is re-fetched whole', async () => {
    server.faults.set('/big.bin', { dropAfter: 300_000, times: 1 });
    const store = new MemoryStore();
    await downloadFile(store, opts({ retries: 0 })).catch(() => undefined);
    expect(await store.partialSize('m/big.bin')).toBeGreaterThan(0);
    store.corrupt('m/big.bin', 10);
    const r = await downloadFile(store, opts());
    expect(r.meta.sha256).toBe(BIG_SHA);
    expect(server.requests('/big.bin').map((x) => x.range !== undefined)).toEqual([false, true, false]);
  });

  it('re-fetches a cached file that was damaged on disk', async () => {
    const store = new MemoryStore();
    await downloadFile(store, opts());
    store.corrupt('m/big.bin', 5);
    const r = await downloadFile(store, opts());
    expect(r.fromCache).toBe(false);
    expect(sha(await store.read('m/big.bin'))).toBe(BIG_SHA);
  });

  it('records the sha256 of a file the manifest has no hash for', async () => {
    const store = new MemoryStore();
    const r = await downloadFile(store, opts({ sha256: undefined, size: undefined }));
    expect(r.meta.sha256).toBe(BIG_SHA);
  });

  it('fails with DownloadError naming the file on HTTP 404', async () => {
    const err = await downloadFile(new MemoryStore(), opts({ url: `${server.url}/nope.bin` })).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(DownloadError);
    expect(err.message).toMatch(/m\/big\.bin.*HTTP 404/);
  });
});

describe('fetchModel', () => {
  const a = randomBytes(70_000, 2);
  const b = randomBytes(130_000, 3);
  const tok = new TextEncoder().encode('{"tiny":true}');
  const manifest = (): ModelManifest =>
    parseManifest({
      id: 'tiny',
      task: 'embedder',
      source: { url: 'https://example.invalid/tiny' },
      files: {
        'onnx/model.onnx': { size: a.length, sha256: sha(a), externalData: ['onnx/model.onnx_data'] },
        'onnx/model.onnx_data': { size: b.length, sha256: sha(b) },
        'tokenizer.json': { size: tok.length },
      },
      variants: { fp32: { model: 'onnx/model.onnx' } },
      defaultVariant: { webgpu: 'fp32', wasm: 'fp32' },
      sessions: { model: { inputs: [], outputs: [] } },
      tokenizer: { json: 'tokenizer.json' },
      embedder: { dim: 4, maxLength: 8, output: 'last_hidden_state' },
    });

  beforeEach(() => {
    server.files.set('/tiny/onnx/model.onnx', a);
    server.files.set('/tiny/onnx/model.onnx_data', b);
    server.files.set('/tiny/tokenizer.json', tok);
  });

  it('fetches graph, external data and tokenizer with per-file and total progress', async () => {
    const store = new MemoryStore();
    const events: DownloadProgress[] = [];
    const onProgress = (e: ProgressUpdate) => e.type === 'download' && events.push(e);
    const got = await fetchModel(manifest(), 'fp32', { store, baseUrl: `${server.url}/tiny`, onProgress });
    expect([...got.files.keys()].sort()).toEqual([
      'onnx/model.onnx',
      'onnx/model.onnx_data',
      'tokenizer.json',
    ]);
    expect(got.files.get('onnx/model.onnx_data')).toEqual(b);
    expect(got.sha256['tokenizer.json']).toBe(sha(tok)); // recorded though the manifest had none
    const total = events.filter((e) => e.file === 'tiny');
    const sum = a.length + b.length + tok.length;
    for (let i = 1; i < total.length; i++)
      expect(total[i].loaded).toBeGreaterThanOrEqual(total[i - 1].loaded);
    expect(total.at(-1)).toMatchObject({ loaded: sum, total: sum });
    expect(events.filter((e) => e.file === 'tiny/onnx/model.onnx').at(-1)).toMatchObject({
      loaded: a.length,
      total: a.length,
    });

    const before = server.log.length;
    const again = await fetchModel(manifest(), 'fp32', { store, baseUrl: `${server.url}/tiny` });
    expect(again.requests).toBe(0);
    expect(server.log.length).toBe(before);

    expect((await listModel(store, 'tiny')).length).toBe(3);
    expect(await clearModels(store, 'tiny')).toBe(sum);
    expect(await store.list()).toEqual([]);
  });

  it('reads a local folder in place, verifying hashes, with no network', async () => {
    const folder = new Map([
      ['onnx/model.onnx', a],
      ['onnx/model.onnx_data', b],
      ['tokenizer.json', tok],
    ]);
    const source = { read: async (p: string) => folder.get(p) };
    const before = server.log.length;
    const got = await fetchModel(manifest(), 'fp32', { folder: source });
    expect(got.requests).toBe(0);
    expect(server.log.length).toBe(before);
    expect(got.files.get('onnx/model.onnx')).toBe(a);
    folder.set('onnx/model.onnx', randomBytes(a.length, 9));
    await expect(fetchModel(manifest(), 'fp32', { folder: source })).rejects.toBeInstanceOf(
      ModelIntegrityError,
    );
  });
});
