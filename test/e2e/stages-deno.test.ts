/**
 * The model runtime under Deno (the CLI's runtime): onnxruntime-web's WebGPU build on Deno's own
 * WebGPU (lavapipe here), stages from a local folder, and the directory store downloading with
 * abort, resume and cache against a local HTTP server.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embedderFixture, vitGpt2Fixture } from '../../models/fixtures/index.ts';
import { Rng } from '../../src/core/rng.ts';
import { FileServer } from '../support/http-server.ts';

const PORT = 4524;
const server = new FileServer(PORT);
const r = new Rng(11);
const BIG = new Uint8Array(400_000).map(() => r.nextU32() & 255);
let out: {
  embedder: { ep: string; reason?: string; vectors: number[] };
  captioner: { ep: string; text: string; pastLengths: number[]; generated: number[] };
  store: Record<string, unknown>;
};

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'autogenda-fx-'));
  for (const p of [await embedderFixture(), await vitGpt2Fixture()]) {
    for (const [path, bytes] of p.files) {
      mkdirSync(dirname(join(dir, p.manifest.id, path)), { recursive: true });
      writeFileSync(join(dir, p.manifest.id, path), bytes);
    }
    writeFileSync(join(dir, p.manifest.id, 'manifest.json'), JSON.stringify(p.manifest));
  }
  server.files.set('/big.bin', BIG);
  server.delayMs = 2;
  server.chunk = 8192;
  await server.start();
  const root = new URL('../..', import.meta.url).pathname;
  // async: the HTTP server above lives in this process and must keep serving while Deno runs
  const res = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      join(root, 'node_modules/.bin/deno'),
      [
        'run',
        '-A',
        '--no-check',
        'test/e2e/stages-deno-harness.ts',
        dir,
        server.url,
        mkdtempSync(join(tmpdir(), 'store-')),
      ],
      {
        cwd: root,
        timeout: 120_000,
        env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? tmpdir() },
      },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
  const line = res.stdout.trim().split('\n').at(-1) ?? '';
  if (res.code !== 0 || !line.startsWith('{'))
    throw new Error(`deno harness failed (${res.code}): ${res.stderr}`);
  out = JSON.parse(line);
}, 180_000);

afterAll(() => server.stop());

describe('model runtime in Deno', () => {
  it('runs the embedder on WebGPU via onnxruntime-web/webgpu, with the hand-computed vectors', () => {
    expect(out.embedder.ep, out.embedder.reason).toBe('webgpu');
    const unit = (v: number[]) => v.map((x) => x / Math.hypot(...v));
    const want = [...unit([1.5, -1.5, -1.25 / 3, 2]), ...unit([0.75, -0.5, 0, -0.5])];
    out.embedder.vectors.forEach((x, i) => {
      expect(x).toBeCloseTo(want[i], 5);
    });
  });

  it('captions with the prefix forced and the cache growing by one per step', () => {
    expect(out.captioner.text.startsWith('a photo of a cat which')).toBe(true);
    const [z, P, ...rest] = out.captioner.pastLengths;
    expect(z).toBe(0);
    expect(rest).toEqual(rest.map((_, i) => P + 1 + i));
    expect(out.captioner.pastLengths.length).toBe(out.captioner.generated.length);
  });

  it('directory store: abort keeps only a partial, the next call resumes with Range, then the cache serves', () => {
    expect(out.store).toMatchObject({
      aborted: 'cancelled',
      completeAfterAbort: false,
      size: BIG.length,
      sha256: createHash('sha256').update(BIG).digest('hex'),
      cachedRequests: 0,
      fromCache: true,
    });
    expect(out.store.partial).toBeGreaterThan(100_000);
    const log = server.requests('/big.bin');
    expect(log.map((x) => x.range)).toEqual([undefined, `bytes=${out.store.partial}-`]);
  });
});
