/**
 * `autogenda fixtures --out DIR` as a user runs it (Node launcher → Deno): every model folder with a
 * manifest that parses and whose sizes and sha256 match the files on disk, an index, a README, and the
 * random-weight warning said loudly; a written model opens and runs from the folder alone.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseManifest } from '../../src/models/manifest.ts';
import { openBackbone } from '../../src/stages/open-stage.ts';

const root = mkdtempSync(join(tmpdir(), 'autogenda-fixtures-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function autogenda(...args: string[]) {
  const r = spawnSync(process.execPath, ['scripts/autogenda.mjs', ...args], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

const WARNING = /RANDOM-WEIGHT PLUMBING FIXTURES — NOT REAL MODELS/;

describe('autogenda fixtures', () => {
  const out = join(root, 'fx');
  let run: ReturnType<typeof autogenda>;

  it('writes every fixture model, and says loudly they are plumbing fixtures', () => {
    run = autogenda('fixtures', '--out', out);
    expect(run.code, run.err).toBe(0);
    expect(run.out).toMatch(WARNING);
    expect(run.out).toMatch(/are NOT results/);
    expect(run.err).toMatch(/results from them are not results/);
    const readme = readFileSync(join(out, 'README.txt'), 'utf8');
    expect(readme.split('\n')[0]).toMatch(WARNING);
    expect(readme).toMatch(/NOT results/);
  });

  it('the index lists each model; manifests parse; sizes and sha256 match the files', () => {
    const index = JSON.parse(readFileSync(join(out, 'fixtures.json'), 'utf8'));
    expect(index.plumbingOnly).toBe(true);
    expect(index.warning).toMatch(WARNING);
    const tasks = new Set(index.models.map((m: { task: string }) => m.task));
    for (const t of ['embedder', 'backbone', 'captioner']) expect(tasks).toContain(t);
    for (const entry of index.models as { id: string; manifest: string }[]) {
      const m = parseManifest(JSON.parse(readFileSync(join(out, entry.manifest), 'utf8')), entry.manifest);
      expect(m.id).toBe(entry.id);
      expect(m.source).toEqual({ local: entry.id });
      const dir = join(out, entry.id);
      const onDisk = walk(dir).map((p) => relative(dir, p));
      expect(onDisk.sort()).toEqual([...Object.keys(m.files), 'manifest.json'].sort());
      for (const [path, f] of Object.entries(m.files)) {
        const bytes = readFileSync(join(dir, path));
        expect(bytes.length, path).toBe(f.size);
        expect(createHash('sha256').update(bytes).digest('hex'), `${entry.id}/${path}`).toBe(f.sha256);
      }
    }
  });

  it('a written backbone opens from its folder alone and runs (ORT wasm)', async () => {
    const dir = join(out, 'tiny-resnet-torchvision');
    const m = parseManifest(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')));
    const folder = {
      read: async (p: string) =>
        existsSync(join(dir, p)) ? new Uint8Array(readFileSync(join(dir, p))) : undefined,
    };
    const { stage, model } = await openBackbone(m, { folder, ep: 'wasm' });
    const img = { width: 8, height: 8, channels: 3 as const, data: new Uint8Array(8 * 8 * 3).fill(128) };
    const f = await stage.features([img]);
    expect(f.length).toBe(2048);
    expect(f.every(Number.isFinite)).toBe(true);
    await model.dispose();
  });

  it('without --out it is a usage error (exit 64) and writes nothing', () => {
    const r = autogenda('fixtures');
    expect(r.code).toBe(64);
    expect(r.err).toMatch(/--out DIR is required/);
    expect(r.out).not.toMatch(WARNING);
  });
});
