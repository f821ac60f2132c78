/**
 * `autogenda models check` as a user runs it (Node launcher → Deno → ONNX Runtime): on the
 * random-weight fixtures every model fails with its numbers, the exit code is 1, and the results are
 * written to --json and to DIR/checks.json keyed by model id.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = mkdtempSync(join(tmpdir(), 'autogenda-check-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function autogenda(...args: string[]) {
  const r = spawnSync(process.execPath, ['scripts/autogenda.mjs', ...args], {
    encoding: 'utf8',
    timeout: 240_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('autogenda models check', () => {
  it('fails every fixture model with numbers, exits 1, writes --json and checks.json', () => {
    const models = join(root, 'fx');
    expect(autogenda('fixtures', '--out', models).code).toBe(0);
    const json = join(root, 'check.json');
    const r = autogenda('models', 'check', '--models', models, '--json', json, '--ep', 'wasm');
    console.log(`[e2e/models-check]\n${r.out}`);
    expect(r.code, r.err).toBe(1);
    const ids = JSON.parse(readFileSync(join(models, 'fixtures.json'), 'utf8')).models.map(
      (m: { id: string }) => m.id,
    );
    for (const id of ids) expect(r.out).toMatch(new RegExp(`^FAIL ${id} \\(`, 'm'));
    expect(r.out).toMatch(/^ {2}FAIL VAE reconstruction PSNR: [\d.]+ dB \(needs ≥ 19\.6000\)/m);
    expect(r.out).toMatch(/^ {2}FAIL similarity\(s1, s2\): [\d.]+ cosine \(needs 0\.6660 ± 0\.0300\)/m);
    expect(r.out).toMatch(new RegExp(`^0 of ${ids.length} models passed`, 'm'));
    const written = JSON.parse(readFileSync(json, 'utf8')).models;
    expect(written.map((m: { id: string }) => m.id)).toEqual(ids);
    const stored = JSON.parse(readFileSync(join(models, 'checks.json'), 'utf8')).models;
    expect(Object.keys(stored).sort()).toEqual([...ids].sort());
    for (const id of ids) {
      expect(stored[id].passed).toBe(false);
      expect(stored[id].checks.length).toBeGreaterThan(0);
    }
  });

  it('without an action or --models it is a usage error (exit 64)', () => {
    expect(autogenda('models').code).toBe(64);
    const r = autogenda('models', 'check');
    expect(r.code).toBe(64);
    expect(r.err).toMatch(/--models DIR is required/);
  });
});
