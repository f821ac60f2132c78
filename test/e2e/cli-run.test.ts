/**
 * `autogenda run` as a user runs it (Node launcher → Deno → ONNX Runtime + WebGPU on lavapipe), on
 * fixture models and a small real-photo dataset (crops of Debian's skimage photos, 3 classes × 5):
 * every export is written; a second identical run recomputes nothing (its printed tally and
 * metrics.json say so) and exports the same policy; a run killed mid-way and re-run ends with the
 * same policy as an uninterrupted one.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrtSession, type SessionLike } from '../../src/ort/session.ts';
import type { TensorData } from '../../src/ort/types.ts';
import { classifierClasses } from '../../src/pipeline/export/onnx-classifier.ts';
import { Backbone } from '../../src/stages/backbone.ts';
import type { RgbImage } from '../../src/stages/image/resample.ts';
import { writePhotoCrops } from '../support/photo-crops.ts';

const root = mkdtempSync(join(tmpdir(), 'autogenda-run-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const launcher = ['scripts/autogenda.mjs'];

function autogenda(...args: string[]) {
  const r = spawnSync(process.execPath, [...launcher, ...args], { encoding: 'utf8', timeout: 240_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** 40×32 RGB crops at different offsets of one photo per class: real pixels, tiny files. */
const writeDataset = (dir: string) =>
  writePhotoCrops(
    dir,
    { cat: 'chelsea.png', coffee: 'coffee.png', astronaut: 'astronaut.png' },
    { count: 5, width: 40, height: 32, stride: 3 },
  );

const data = join(root, 'data');
const models = join(root, 'fx');
// Tiny everything: 2 img2img steps, 1 candidate per source, 2 epochs.
const runArgs = (out: string) => [
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
  '--steps',
  '2',
  '--epochs',
  '2',
  '--seeds',
  '1',
];
const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const CLASSES = ['astronaut', 'cat', 'coffee'];

beforeAll(() => {
  writeDataset(data);
  const fx = autogenda('fixtures', '--out', models);
  expect(fx.code, fx.err).toBe(0);
});

describe('autogenda run', () => {
  const out = join(root, 'out');
  let first: ReturnType<typeof autogenda>;

  it('runs the whole pipeline on fixture models and writes every export, flagged as a plumbing check', () => {
    first = autogenda(...runArgs(out));
    expect(first.code, first.err).toBe(0);
    expect(first.err).toMatch(/PLUMBING CHECK, NOT A RESULT/);
    expect(first.out).toMatch(/PLUMBING CHECK, NOT A RESULT/);
    expect(first.err).toMatch(/adapter: .*(llvmpipe|lavapipe)/i);
    for (const stage of ['import', 'caption', 'candidates', 'features', 'search', 'train', 'evaluate']) {
      expect(first.err).toMatch(new RegExp(`${stage} +\\[#+\\] 100%`));
    }
    // 15 images → 3 test + 12 training; 12 × (1 local + 1 transfer) candidates; 15 + 24 features.
    expect(first.out).toMatch(
      /cache: import 15 computed, 0 cached; caption 12 computed, 0 cached; neighbours 3 computed, 0 cached; candidates 24 computed, 0 cached; features 39 computed, 0 cached; train 1 computed, 0 cached/,
    );

    const policy = json(join(out, 'policy.json'));
    expect(policy.classes).toEqual(CLASSES);
    expect(policy.sources).toEqual(['identity', 'local', 'transfer']);
    for (const row of policy.probs) expect(row.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 5);

    const metrics = json(join(out, 'metrics.json'));
    expect(metrics.plumbingOnly).toBe(true);
    expect(metrics.warning).toMatch(/NOT A RESULT/);
    expect(metrics.testCount).toBe(3);
    expect(metrics.split).toEqual({ train: 6, valid: 6, test: 3 });
    expect(metrics.top1).toBeGreaterThanOrEqual(0);
    expect(metrics.top1).toBeLessThanOrEqual(1);

    const lines = readFileSync(join(out, 'metadata.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(12 + 24);
    const real = lines.filter((l) => l.source === 'real');
    const generated = lines.filter((l) => l.source !== 'real');
    expect(real).toHaveLength(12);
    expect(real.every((l) => typeof l.caption === 'string' && l.caption.startsWith('a photo of'))).toBe(true);
    expect(new Set(generated.map((l) => l.source))).toEqual(new Set(['local', 'transfer']));
    for (const g of generated) {
      expect(g.prompt).toMatch(new RegExp(`\\b${g.class}\\b`)); // the prompt names the image's class
      expect(g.strength).toBe(0.5);
      expect(Number.isInteger(g.seed)).toBe(true);
      expect(real.map((r) => r.path)).toContain(g.parent); // points at its exported parent
      expect(existsSync(join(out, g.path))).toBe(true);
    }
    const zip = unzipSync(readFileSync(join(out, 'dataset.zip')));
    expect(Object.keys(zip)).toEqual(
      expect.arrayContaining([
        'metadata.jsonl',
        'policy.json',
        'report.md',
        'report.json',
        ...lines.map((l) => l.path),
      ]),
    );

    const report = readFileSync(join(out, 'report.md'), 'utf8');
    expect(report).toMatch(/PLUMBING fixtures, not real models/);
    expect(json(join(out, 'report.json')).plumbingOnly).toBe(true);
    expect(classifierClasses(new Uint8Array(readFileSync(join(out, 'classifier.onnx'))))).toEqual(CLASSES);
  });

  it("classifier.onnx, run on the held-out images, gives the confusion matrix of the run's own evaluation", async () => {
    const metrics = json(join(out, 'metrics.json'));
    const bytes = new Uint8Array(readFileSync(join(out, 'classifier.onnx')));
    const manifest = json(join(models, 'tiny-resnet-hf', 'manifest.json'));
    const images = (metrics.testImages as string[]).map((p): RgbImage => {
      const png = decode(readFileSync(join(data, p)));
      return {
        width: png.width,
        height: png.height,
        channels: png.channels as 3,
        data: png.data as Uint8Array,
      };
    });
    const labels = (metrics.testImages as string[]).map((p) => CLASSES.indexOf(p.split('/')[0]));
    // Only the preprocessing of Backbone is used; the merged graph does the rest.
    const px = new Backbone(undefined as unknown as SessionLike, manifest.backbone).pixels(images);
    const s = await OrtSession.create(bytes, { name: 'classifier.onnx', ep: 'wasm' });
    const logits = (await s.run({ [manifest.backbone.input]: px })).logits as TensorData<'float32'>;
    await s.dispose();
    const C = CLASSES.length;
    const confusion = CLASSES.map(() => new Array<number>(C).fill(0));
    labels.forEach((y, r) => {
      const row = Array.from(logits.data.subarray(r * C, (r + 1) * C));
      confusion[y][row.indexOf(Math.max(...row))]++;
    });
    expect(confusion).toEqual(metrics.confusion);
  });

  it('a second identical run recomputes nothing and exports the same policy and metrics', () => {
    const policy = readFileSync(join(out, 'policy.json'), 'utf8');
    const second = autogenda(...runArgs(out));
    expect(second.code, second.err).toBe(0);
    expect(second.out).toMatch(/computed 0 items/);
    expect(second.out).toMatch(
      /cache: import 0 computed, 15 cached; caption 0 computed, 12 cached; neighbours 0 computed, 3 cached; candidates 0 computed, 24 cached; features 0 computed, 39 cached; train 0 computed, 1 cached/,
    );
    expect(second.err).not.toMatch(/adapter:/); // no training ran, so no GPU was needed
    expect(readFileSync(join(out, 'policy.json'), 'utf8')).toBe(policy);
    const cache = json(join(out, 'metrics.json')).cache;
    for (const c of Object.values(cache) as { computed: number }[]) expect(c.computed).toBe(0);
  });

  it('a changed strength regenerates the candidates and what depends on them, nothing else', () => {
    const other = join(root, 'strength');
    cpSync(join(out, '.store'), join(other, '.store'), { recursive: true });
    const r = autogenda(...runArgs(other), '--strength', '0.7');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(
      /cache: import 0 computed, 15 cached; caption 0 computed, 12 cached; neighbours 0 computed, 3 cached; candidates 24 computed, 0 cached; features 24 computed, 15 cached; train 1 computed, 0 cached/,
    );
    const lines = readFileSync(join(other, 'metadata.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.source !== 'real').every((l) => l.strength === 0.7)).toBe(true);
  });

  it('exit codes: 64 for a bad command line, 1 for an unusable dataset, each saying why', () => {
    const noData = autogenda('run', '--out', join(root, 'x'), '--models', models);
    expect(noData.code).toBe(64);
    expect(noData.err).toMatch(/--data DIR is required/);
    const badProfile = autogenda(...runArgs(join(root, 'x')), '--profile', 'skewed:3');
    expect(badProfile.code).toBe(64);
    expect(badProfile.err).toMatch(/skewed:3/);
    const noModels = autogenda('run', '--data', data, '--out', join(root, 'x'), '--models', root);
    expect(noModels.code).toBe(1);
    expect(noModels.err).toMatch(/no fixtures\.json or models\.json/);
    const one = join(root, 'one-class');
    cpSync(join(data, 'cat'), join(one, 'cat'), { recursive: true });
    const r = autogenda('run', '--data', one, '--out', join(root, 'one-out'), '--models', models);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/needs at least 2 classes with images, found 1/);
  });

  it('Ctrl+C (SIGINT) cancels at the next item: exit 1, says how to continue, keeps what finished', async () => {
    const cancelled = join(root, 'cancelled');
    const stored = join(cancelled, '.store', 'captions');
    const r = await new Promise<{ code: number | null; err: string }>((resolve) => {
      const child = spawn(process.execPath, [...launcher, ...runArgs(cancelled)], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let err = '';
      let sent = false;
      child.stderr.on('data', (d) => {
        err += String(d);
      });
      const poll = setInterval(() => {
        const n = existsSync(stored) ? readdirSync(stored).filter((f) => f.endsWith('.json')).length : 0;
        if (n >= 3 && !sent) {
          sent = true;
          child.kill('SIGINT'); // the launcher forwards it to Deno
        }
      }, 10);
      child.on('exit', (code) => {
        clearInterval(poll);
        resolve({ code, err });
      });
    });
    expect(r.code, r.err).toBe(1);
    expect(r.err).toMatch(/Run cancelled; finished items are kept: re-run the same command to continue/);
    expect(existsSync(join(cancelled, 'policy.json'))).toBe(false);
    expect(readdirSync(stored).filter((f) => f.endsWith('.json')).length).toBeGreaterThanOrEqual(3);
  });

  it('killed mid-way and re-run, it ends with the same policy as the uninterrupted run', async () => {
    const killed = join(root, 'killed');
    // Kill once 5 candidates are stored: captions and those candidates are kept, the rest are not.
    const stored = join(killed, '.store', 'candidates');
    const exit = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, [...launcher, ...runArgs(killed)], { stdio: 'ignore' });
      const poll = setInterval(() => {
        const n = existsSync(stored) ? readdirSync(stored).filter((f) => f.endsWith('.json')).length : 0;
        if (n >= 5) child.kill('SIGTERM'); // the launcher forwards it to Deno, which dies at once
      }, 10);
      child.on('exit', (code) => {
        clearInterval(poll);
        resolve(code);
      });
    });
    expect(exit).not.toBe(0); // it was killed, it did not finish
    expect(existsSync(join(killed, 'policy.json'))).toBe(false);
    const resumed = autogenda(...runArgs(killed));
    expect(resumed.code, resumed.err).toBe(0);
    const tally = json(join(killed, 'metrics.json')).cache;
    expect(tally.caption).toEqual({ computed: 0, cached: 12 }); // finished before the kill: not redone
    expect(tally.candidates.cached).toBeGreaterThanOrEqual(5); // resumed, not restarted
    expect(tally.candidates.computed + tally.candidates.cached).toBe(24);
    expect(json(join(killed, 'policy.json'))).toEqual(json(join(out, 'policy.json')));
    expect(json(join(killed, 'metrics.json')).top1).toBe(json(join(out, 'metrics.json')).top1);
  });
});
