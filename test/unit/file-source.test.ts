/**
 * A manifest file with its own `source` (SD exports lack tokenizer.json; it comes from a CLIP repo):
 * fetched from that repo's hub path, verified and cached under the model like the other files.
 * Hub URLs are served by the local test server through a fetch that rewrites huggingface.co.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ModelIntegrityError } from '../../src/core/errors.ts';
import { fetchModel, fileUrl } from '../../src/models/fetch.ts';
import { type ModelManifest, parseManifest } from '../../src/models/manifest.ts';
import { MemoryStore } from '../../src/models/store.ts';
import { FileServer } from '../support/http-server.ts';

const server = new FileServer(4550);
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const bytes = (n: number, k: number) => Uint8Array.from({ length: n }, (_, i) => (i * k + 7) & 0xff);

const unet = bytes(90_001, 3);
const tok = new TextEncoder().encode('{"model":{"type":"BPE"},"clip":true}');
const cfg = new TextEncoder().encode('{"pad_token":"<|endoftext|>"}');

/** Routes hub and CDN URLs to the local server, as if it were those hosts. */
const hubFetch: typeof fetch = (input, init) => {
  const url = String(input)
    .replace('https://huggingface.co/', `${server.url}/hf/`)
    .replace('https://cdn.example.invalid/', `${server.url}/cdn/`);
  return fetch(url, init);
};

const manifest = (tokSha = sha(tok)): ModelManifest =>
  parseManifest(
    {
      id: 'sd-like',
      task: 'embedder',
      source: { hub: 'acme/sd-onnx', revision: 'main' },
      files: {
        'unet/model.onnx': { size: unet.length, sha256: sha(unet) },
        'tokenizer/tokenizer.json': {
          sha256: tokSha,
          source: { hub: 'Xenova/clip-vit-base-patch16', revision: 'v1.0', path: 'tokenizer.json' },
        },
        'tokenizer/tokenizer_config.json': { source: { url: 'https://cdn.example.invalid/clip/cfg.json' } },
      },
      variants: { fp32: { model: 'unet/model.onnx' } },
      defaultVariant: { webgpu: 'fp32', wasm: 'fp32' },
      sessions: { model: { inputs: [], outputs: [] } },
      tokenizer: { json: 'tokenizer/tokenizer.json', config: 'tokenizer/tokenizer_config.json' },
      embedder: { dim: 4, maxLength: 8, output: 'last_hidden_state' },
    },
    'sd-like.json',
  );

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
  server.files.set('/hf/acme/sd-onnx/resolve/main/unet/model.onnx', unet);
  server.files.set('/hf/Xenova/clip-vit-base-patch16/resolve/v1.0/tokenizer.json', tok);
  server.files.set('/cdn/clip/cfg.json', cfg);
});

describe('a file with its own source', () => {
  it('has its URL in the other repo (hub path + revision, or its full URL); a mirror overrides', () => {
    const m = manifest();
    expect(fileUrl(m, 'tokenizer/tokenizer.json')).toBe(
      'https://huggingface.co/Xenova/clip-vit-base-patch16/resolve/v1.0/tokenizer.json',
    );
    expect(fileUrl(m, 'tokenizer/tokenizer_config.json')).toBe('https://cdn.example.invalid/clip/cfg.json');
    expect(fileUrl(m, 'unet/model.onnx')).toBe(
      'https://huggingface.co/acme/sd-onnx/resolve/main/unet/model.onnx',
    );
    expect(fileUrl(m, 'tokenizer/tokenizer.json', 'http://mirror/x/')).toBe(
      'http://mirror/x/tokenizer/tokenizer.json',
    );
  });

  it('is downloaded from there, verified, and cached under the model with the rest', async () => {
    const store = new MemoryStore();
    const got = await fetchModel(manifest(), 'fp32', { store, fetch: hubFetch });
    expect(got.files.get('tokenizer/tokenizer.json')).toEqual(tok);
    expect(got.files.get('tokenizer/tokenizer_config.json')).toEqual(cfg);
    expect(got.files.get('unet/model.onnx')).toEqual(unet);
    expect(got.sha256['tokenizer/tokenizer_config.json']).toBe(sha(cfg)); // recorded on first download
    expect(server.log.map((r) => [r.path, r.status]).sort()).toEqual([
      ['/cdn/clip/cfg.json', 200],
      ['/hf/Xenova/clip-vit-base-patch16/resolve/v1.0/tokenizer.json', 200],
      ['/hf/acme/sd-onnx/resolve/main/unet/model.onnx', 200],
    ]);
    // never asked for at the model's own repo
    expect(server.log.some((r) => r.path.includes('acme/sd-onnx/resolve/main/tokenizer'))).toBe(false);
    expect((await store.list()).map((x) => x.key).sort()).toEqual([
      'sd-like/tokenizer/tokenizer.json',
      'sd-like/tokenizer/tokenizer_config.json',
      'sd-like/unet/model.onnx',
    ]);

    const again = await fetchModel(manifest(), 'fp32', { store, fetch: hubFetch });
    expect(again.requests).toBe(0);
    expect(again.files.get('tokenizer/tokenizer.json')).toEqual(tok);
  });

  it('is checked against its sha256 like any other file', async () => {
    const store = new MemoryStore();
    const err = await fetchModel(manifest('0'.repeat(64)), 'fp32', { store, fetch: hubFetch }).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(ModelIntegrityError);
    expect(err.message).toContain('tokenizer/tokenizer.json');
    expect((await store.list()).map((x) => x.key)).not.toContain('sd-like/tokenizer/tokenizer.json');
  });
});
