/**
 * `autogenda run` with a model's own generation settings and textual inversion, as a user runs it
 * (Node launcher → Deno → ONNX Runtime + WebGPU on lavapipe), on fixture models whose img2img manifest
 * is made SD-Turbo-like (1 step, trained without guidance):
 * - default settings make every candidate with exactly one UNet sample (report.json modelCalls), never
 *   zero (1 step × strength 0.5 is raised to 2 steps, with a note) and never two (guidance asked for is
 *   ignored, with a note); a fully cached re-run reports zero calls;
 * - --ti changes the text encoder's input for the prompts of its class only: that class's candidates
 *   change, every other candidate stays byte-identical; bad TI files are refused by name.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SD_HIDDEN } from '../../models/fixtures/diffusion.ts';
import { autogenda } from '../support/cli.ts';
import { writePhotoCrops } from '../support/photo-crops.ts';

const root = mkdtempSync(join(tmpdir(), 'autogenda-run-models-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** 2 classes × 4 crops of one public-domain photo each (tiny files, real pixels). */
const writeDataset = (dir: string) =>
  writePhotoCrops(
    dir,
    { cat: 'chelsea.png', coffee: 'coffee.png' },
    { count: 4, width: 32, height: 24, stride: 3 },
  );

const data = join(root, 'data');
const models = join(root, 'fx');
const run = (out: string, ...more: string[]) =>
  autogenda(
    'run',
    '--data',
    data,
    '--out',
    out,
    '--models',
    models,
    '--k-local',
    '1',
    '--k-transfer',
    '1',
    '--epochs',
    '2',
    ...more,
  );
const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
/** metadata.jsonl rows of generated images, by file name. */
function candidates(out: string): Map<string, { class: string; prompt: string; bytes: string }> {
  const rows = readFileSync(join(out, 'metadata.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const m = new Map<string, { class: string; prompt: string; bytes: string }>();
  for (const r of rows) {
    if (r.source === 'real') continue;
    const bytes = readFileSync(join(out, r.path)).toString('base64');
    m.set(r.path, { class: r.class, prompt: r.prompt, bytes });
  }
  return m;
}

beforeAll(async () => {
  writeDataset(data);
  const fx = await autogenda('fixtures', '--out', models);
  expect(fx.code, fx.err).toBe(0);
  // the fixture img2img model, made SD-Turbo-like: its Euler scheduler, one step, trained without
  // guidance, no strength given
  const index = json(join(models, 'fixtures.json'));
  const entry = index.models.find((e: { task: string }) => e.task === 'img2img');
  const path = join(models, entry.manifest);
  const m = json(path);
  const turbo = JSON.parse(readFileSync('models/sd-turbo.json', 'utf8'));
  m.img2img = { ...m.img2img, scheduler: turbo.img2img.scheduler, steps: 1, guidance: 0, cfg: false };
  delete m.img2img.strength;
  writeFileSync(path, JSON.stringify(m));
});

describe("autogenda run with the model's own generation settings", () => {
  const out = join(root, 'turbo');

  it('makes every candidate with exactly one UNet sample, and says what it corrected', async () => {
    const r = await run(out, '--guidance', '7.5');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/note: guidance 7\.5 ignored: .* trained without classifier-free guidance/);
    expect(r.err).toMatch(/note: steps raised from 1 to 2: with strength 0\.5/);
    const report = json(join(out, 'report.json'));
    // 8 images → 2 test + 6 training; 6 × (1 local + 1 transfer) candidates
    expect(report.generated).toBe(12);
    expect(report.generation).toEqual({ steps: 2, guidance: 0, strength: 0.5 });
    // one UNet sample per candidate (12), never 0 and never 2 (guidance); candidates go 4 to a call
    const batch = json(join(out, 'metrics.json')).settings.batchGenerate;
    expect(batch).toBe(4);
    const calls = Math.ceil(12 / batch);
    for (const s of ['unet', 'vaeEncoder', 'vaeDecoder', 'textEncoder'])
      expect(report.modelCalls[`img2img.${s}`], s).toEqual({ calls, samples: 12 });
    expect(report.modelCalls['captioner.decoder'].calls).toBeGreaterThan(0);
    expect(r.out).toMatch(
      new RegExp(
        `img2img: strength 0\\.5, 2 steps, guidance off; 12 candidates generated; model calls: .*img2img\\.unet ${calls} calls \\(12 samples\\)`,
      ),
    );
  }, 240_000);

  it('makes the same one UNet sample per candidate one at a time (--batch-generate 1)', async () => {
    const r = await run(join(root, 'turbo-1'), '--batch-generate', '1');
    expect(r.code, r.err).toBe(0);
    const report = json(join(root, 'turbo-1', 'report.json'));
    expect(report.modelCalls['img2img.unet']).toEqual({ calls: 12, samples: 12 });
    // the same candidates, byte for byte, whatever the batch
    const a = candidates(out);
    const b = candidates(join(root, 'turbo-1'));
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [name, c] of b) expect(c.bytes, name).toBe(a.get(name)!.bytes);
  }, 240_000);

  it('reports zero model calls for a fully cached re-run', async () => {
    const r = await run(out, '--guidance', '7.5');
    expect(r.code, r.err).toBe(0);
    const report = json(join(out, 'report.json'));
    expect(report.generated).toBe(0);
    for (const [k, c] of Object.entries(report.modelCalls as Record<string, { calls: number }>)) {
      expect(c.calls, k).toBe(0);
    }
  }, 240_000);
});

describe('autogenda run --ti', () => {
  /** A DA-Fusion-style embeddings file: {token: [dim]} as JSON. */
  const tiFile = (name: string, token: string, dim: number) => {
    const path = join(root, name);
    writeFileSync(
      path,
      JSON.stringify({ [token]: Array.from({ length: dim }, (_, i) => ((i % 5) - 2) * 0.7) }),
    );
    return path;
  };

  it("changes the text encoder's input for its class only", async () => {
    const base = candidates(join(root, 'turbo'));
    const out = join(root, 'ti');
    const r = await run(out, '--guidance', '7.5', '--ti', tiFile('cat.json', '<cat>', SD_HIDDEN));
    expect(r.code, r.err).toBe(0);
    const withTi = candidates(out);
    expect([...withTi.keys()].sort()).toEqual([...base.keys()].sort());
    let changed = 0;
    for (const [name, c] of withTi) {
      const b = base.get(name)!;
      if (c.class === 'cat') {
        // the token stands where the class name stood, and the image follows the new text states
        expect(c.prompt).toMatch(/<cat>/);
        expect(c.prompt).toBe(b.prompt.replace(/\bcat\b/gi, '<cat>'));
        if (c.bytes !== b.bytes) changed++;
      } else {
        expect(c.prompt, name).toBe(b.prompt);
        expect(c.bytes, name).toBe(b.bytes);
      }
    }
    expect(changed).toBe(6);
    expect(json(join(out, 'report.json')).models.img2img).toMatch(/\+ti-[0-9a-f]{16}$/);
  }, 240_000);

  it('refuses a file with the wrong dimension, naming it', async () => {
    const f = tiFile('wide.json', '<cat>', SD_HIDDEN + 3);
    const r = await run(join(root, 'ti-wide'), '--ti', f);
    expect(r.code).toBe(1);
    expect(r.err).toContain(f);
    expect(r.err).toMatch(/has 11 values, but the text encoder's embeddings have 8/);
  }, 240_000);

  it('refuses a token that names no class, naming the file', async () => {
    const f = tiFile('dog.json', '<dog>', SD_HIDDEN);
    const r = await run(join(root, 'ti-dog'), '--ti', f);
    expect(r.code).toBe(1);
    expect(r.err).toContain(f);
    expect(r.err).toMatch(/'<dog>' names no class of this dataset \(classes: cat, coffee\)/);
  }, 240_000);
});
