/**
 * The Models screen in the served app (headless Chromium, no internet): the bundled manifests per task,
 * downloads from a mirror on loopback into the OPFS cache with progress, a cancelled download that
 * resumes with a Range request, clearing, choosing downloaded models for the next run, and a local
 * models folder (as `autogenda fixtures` writes it) checked and chosen; the preflight refusing, before
 * any byte is fetched, a WebGPU-only fp16 model this adapter (SwiftShader: no shader-f16) cannot run;
 * and the Check button measuring a downloaded model on this machine (a fixture graph: it must fail).
 *
 * The mirror serves the real manifests' file layouts filled with fixture-built graphs of the same task
 * (the unpinned manifests verify any bytes; the graphs' I/O sizes differ from the real models', so
 * their outputs do not fit the real settings, e.g. the embedder's 384-d: runs on cached models are
 * covered by the unit tests with fixture manifests). resnet-50-owg's graph is served as a 3 MiB blob,
 * so that a throttled download of it can be cancelled and resumed.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  backboneFixture,
  diffusionFixture,
  embedderFixture,
  type FixturePackage,
  smolVlmFixture,
  vitGpt2Fixture,
} from '../../models/fixtures/index.ts';
import { writeFixtures } from '../../src/cli/commands/fixtures.ts';
import { type ModelManifest, parseManifest } from '../../src/models/manifest.ts';
import { downloadFiles } from '../../src/models/registry.ts';
import { FileServer } from '../support/http-server.ts';
import { startApp, stopApp, watchErrors } from './app-server.ts';
import { launch, SCREENSHOTS } from './browser.ts';

const PORT = 4526;
const MIRROR_PORT = 4528;
const URL = `http://localhost:${PORT}/#models`;
/** Big enough that a throttled download is still running when the test cancels it. */
const WEIGHTS_BYTES = 3 << 20;
/** Unpinned, runs anywhere: its one file is served big, for the cancel and resume test. */
const BLOB_MODEL = 'resnet-50-owg';

let server: ChildProcess | undefined;
let ctx: BrowserContext | undefined;
let page: Page;
let errors: string[];
/** Requests to anything but the app and the mirror (there must be none: no internet, no telemetry). */
const foreign: string[] = [];
const mirror = new FileServer(MIRROR_PORT);
const tmp = mkdtempSync(join(tmpdir(), 'autogenda-app-models-'));

/** The fixture of the same task and layout as a real manifest. */
function fixtureFor(m: ModelManifest, fx: FixturePackage[]): FixturePackage {
  const same = fx.filter((f) => f.manifest.task === m.task);
  return (
    same.find(
      (f) =>
        f.manifest.captioner?.layout === m.captioner?.layout &&
        f.manifest.backbone?.output === m.backbone?.output,
    ) ?? same[0]
  );
}

/** A fixture file for a real manifest's path: the same path, without a dtype suffix, or by file name. */
function bytesFor(path: string, f: FixturePackage): Uint8Array {
  const plain = path.replace(/_(quantized|fp16)\.onnx$/, '.onnx');
  const base = path.slice(path.lastIndexOf('/') + 1);
  return (
    f.files.get(path) ??
    f.files.get(plain) ??
    [...f.files].find(([p]) => p.endsWith(`/${base}`) || p === base)?.[1] ??
    new Uint8Array(WEIGHTS_BYTES).fill(7) // external weights (sd-v1-5's unet/weights.pb)
  );
}

/** What the mirror serves for a real manifest's file. */
function servedFor(m: ModelManifest, path: string, fx: FixturePackage[]): Uint8Array {
  if (m.id === BLOB_MODEL) return new Uint8Array(WEIGHTS_BYTES).fill(7);
  return bytesFor(path, fixtureFor(m, fx));
}

const nodeFs = {
  writeFile: (p: string, d: Uint8Array) => writeFile(p, d),
  mkdir: async (p: string, o: { recursive: boolean }) => {
    await mkdir(p, o);
  },
};

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const fx = await Promise.all([
    embedderFixture(),
    backboneFixture('hf'),
    backboneFixture('torchvision'),
    vitGpt2Fixture(),
    smolVlmFixture(),
    diffusionFixture(),
  ]);
  for (const name of readdirSync('models').filter((n) => n.endsWith('.json'))) {
    const m = parseManifest(JSON.parse(readFileSync(join('models', name), 'utf8')), name);
    for (const path of downloadFiles(m)) mirror.files.set(`/${m.id}/${path}`, servedFor(m, path, fx));
  }
  await mirror.start();
  await writeFixtures(join(tmp, 'fixtures'), nodeFs, fx);
  await writeFixtures(join(tmp, 'broken'), nodeFs, fx);
  rmSync(join(tmp, 'broken', 'tiny-minilm', 'onnx', 'model.onnx'));
  server = await startApp(PORT);
  ctx = await launch();
  ctx.on('request', (r) => {
    const u = r.url();
    if (
      !u.startsWith(`http://localhost:${PORT}/`) &&
      !u.startsWith(`${mirror.url}/`) &&
      !/^(data|blob):/.test(u)
    )
      foreign.push(u);
  });
  page = await ctx.newPage();
  errors = watchErrors(page);
  await page.goto(URL);
}, 300_000);

afterAll(async () => {
  await ctx?.close();
  stopApp(server);
  await mirror.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const row = (id: string): Locator => page.locator(`article[data-model="${id}"]`);
const choice = () => page.getByTestId('models-choice').textContent();

async function download(id: string): Promise<void> {
  await row(id)
    .getByRole('button', { name: /^(Download|Resume download)$/ })
    .click();
  await page.locator(`article[data-model="${id}"][data-state="cached"]`).waitFor({ timeout: 60_000 });
}

describe('the Models screen', () => {
  it('lists the bundled models per task with licence, size and cache state; fixtures are the default', async () => {
    await expect(choice()).resolves.toMatch(/Next run uses: fixture models \(random weights/);
    await expect(page.getByTestId('fixtures-warning').textContent()).resolves.toMatch(/RANDOM WEIGHTS/);
    const minilm = row('all-minilm-l6-v2');
    await minilm.getByTestId('cache-state').getByText('not cached').waitFor(); // the cache was read
    await expect(page.locator('fieldset[data-task]').count()).resolves.toBe(4);
    const text = await minilm.textContent();
    expect(text).toMatch(/licence: upstream: apache-2\.0/);
    expect(text).toMatch(/size recorded on first download/);
    expect(text).toMatch(/Sentence embeddings for class names/);
    expect(text).toMatch(/Size unknown until downloaded.*lets the app store/);
    await expect(page.getByTestId('use-cache').isDisabled()).resolves.toBe(true);
    await expect(page.getByTestId('cache-missing').textContent()).resolves.toMatch(
      /captioner, embedder, img2img, backbone/,
    );
  });

  it('downloads a model from the mirror with per-file progress and keeps it across reloads', async () => {
    await page.getByLabel('Mirror (optional)').fill(mirror.url);
    await page.getByRole('button', { name: 'Save mirror' }).click();
    await page.getByText(`Downloads come from ${mirror.url}/<model id>/<file path>`).waitFor();
    await download('all-minilm-l6-v2');
    const minilm = row('all-minilm-l6-v2');
    await expect(minilm.getByTestId('download-message').textContent()).resolves.toMatch(
      /^Downloaded [\d.]+ KiB: the manifest pins no sha256, so the hashes were recorded, not checked\.$/,
    );
    await expect(minilm.getByTestId('cache-state').textContent()).resolves.toMatch(
      /cached in this browser \(4 files\)/,
    );
    const got = mirror.requests().filter((r) => r.path.startsWith('/all-minilm-l6-v2/'));
    expect(got.map((r) => r.path).sort()).toEqual([
      '/all-minilm-l6-v2/onnx/model.onnx',
      '/all-minilm-l6-v2/onnx/model_quantized.onnx',
      '/all-minilm-l6-v2/tokenizer.json',
      '/all-minilm-l6-v2/tokenizer_config.json',
    ]);
    expect(got.every((r) => r.status === 200)).toBe(true);
    await page.reload();
    await page.locator('article[data-model="all-minilm-l6-v2"][data-state="cached"]').waitFor();
    await expect(page.getByLabel('Mirror (optional)').inputValue()).resolves.toBe(mirror.url);
  });

  it('cancels a download mid-way, keeps what arrived, and resumes it with a Range request', async () => {
    mirror.chunk = 32 << 10;
    mirror.delayMs = 80; // ~400 KB/s: seconds of margin for the screenshot and the click
    const big = row(BLOB_MODEL);
    await big.getByRole('button', { name: 'Download' }).click();
    const weights = big.locator('.download-files li').filter({ hasText: 'onnx/model.onnx' });
    await weights.getByText(/^[1-9][\d.]* (KiB|MiB) \/ 3 MiB$/).waitFor({ timeout: 60_000 });
    await page.screenshot({ path: join(SCREENSHOTS, 'models-downloading.png'), fullPage: true });
    await big.getByRole('button', { name: 'Cancel' }).click();
    await big.locator('[data-testid="download"][data-phase="cancelled"]').waitFor();
    await page.locator(`article[data-model="${BLOB_MODEL}"][data-state="partial"]`).waitFor();
    await expect(big.getByTestId('cache-state').textContent()).resolves.toMatch(/partly cached/);

    mirror.delayMs = 0;
    mirror.chunk = 1 << 16;
    await download(BLOB_MODEL);
    const ranged = mirror.requests(`/${BLOB_MODEL}/onnx/model.onnx`).filter((r) => r.range);
    expect(ranged.length).toBe(1);
    expect(ranged[0].status).toBe(206);
  });

  it('clears one model', async () => {
    const minilm = row('all-minilm-l6-v2');
    await minilm.getByRole('button', { name: 'Clear' }).click();
    await page.locator('article[data-model="all-minilm-l6-v2"][data-state="none"]').waitFor();
    await page.getByText(/Cleared 'all-minilm-l6-v2': [\d.]+ KiB freed\./).waitFor();
  });

  it('refuses, before fetching a byte, an fp16 WebGPU-only model this adapter cannot run', async () => {
    for (const id of ['sd-v1-5', 'sd-turbo']) {
      const sd = row(id);
      await sd.getByRole('button', { name: 'Download' }).click();
      await sd.locator('[data-testid="download"][data-phase="failed"]').waitFor();
      await expect(sd.getByTestId('download-message').textContent()).resolves.toMatch(/shader-f16/);
      expect(mirror.requests().filter((r) => r.path.startsWith(`/${id}/`))).toEqual([]);
    }
  });

  it('offers the downloaded models for a run only once every task has one', async () => {
    for (const id of ['all-minilm-l6-v2', 'vit-gpt2-image-captioning']) await download(id);
    await expect(page.getByTestId('use-cache').isDisabled()).resolves.toBe(true);
    await expect(page.getByTestId('cache-missing').textContent()).resolves.toMatch(/img2img/);
    await expect(page.getByTestId('cache-missing').textContent()).resolves.not.toMatch(
      /captioner|embedder|backbone/,
    );
    await expect(page.getByRole('radio', { name: 'Use sd-turbo as the img2img' }).isDisabled()).resolves.toBe(
      true,
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'models.png'), fullPage: true });
  });

  it('checks a downloaded model on this machine and keeps the result with it (a fixture graph fails)', async () => {
    const minilm = row('all-minilm-l6-v2');
    await minilm.getByTestId('check-model').click();
    const result = minilm.locator('[data-testid="check-result"]');
    await result.waitFor({ timeout: 120_000 });
    expect(await result.getAttribute('data-passed'), (await result.textContent()) ?? '').toBe('false');
    // the fixture graph's 4-d states cannot be the manifest's 384-d: the check says so, as a failure
    await expect(result.textContent()).resolves.toMatch(/Check FAILED on .*expected float32\[B, S, 384\]/);
    await minilm.screenshot({ path: join(SCREENSHOTS, 'models-check.png') });
    // kept beside the model's files: still there after a reload, gone when the model is cleared
    await page.reload();
    await row('all-minilm-l6-v2')
      .locator('[data-testid="check-result"][data-passed="false"]')
      .waitFor({ timeout: 30_000 });
    await row('all-minilm-l6-v2').getByRole('button', { name: 'Clear' }).click();
    await page.locator('article[data-model="all-minilm-l6-v2"][data-state="none"]').waitFor();
    await expect(row('all-minilm-l6-v2').locator('[data-testid="check-result"]').count()).resolves.toBe(0);
  });

  it('checks a picked local folder, says what is missing, and chooses a complete one', async () => {
    const input = page.getByTestId('models-folder');
    await input.setInputFiles(join(tmp, 'broken'));
    const check = page.getByTestId('folder-check');
    await check.getByText("'broken' cannot be used").waitFor();
    await expect(check.textContent()).resolves.toMatch(
      /embedder 'tiny-minilm' is missing tiny-minilm\/onnx\/model\.onnx/,
    );
    await expect(choice()).resolves.toMatch(/fixture models/);

    await input.setInputFiles(join(tmp, 'fixtures'));
    await check.getByText(/Using 'fixtures' \(fixtures\.json\)/).waitFor();
    await expect(choice()).resolves.toMatch(/local folder 'fixtures' .*random-weight plumbing models/);
    await expect(check.textContent()).resolves.toMatch(/tiny-minilm \(embedder\)/);
    await page.screenshot({ path: join(SCREENSHOTS, 'models-local.png'), fullPage: true });
    expect(errors).toEqual([]);
    expect(foreign).toEqual([]);
  });

  it("runs the pipeline on the picked folder's models (their Files go to the pipeline worker)", async () => {
    // Section links only: a reload would drop the picked Files.
    await page.locator('nav').getByRole('link', { name: 'Import' }).click();
    await page.getByTestId('import-demo').click();
    await page
      .getByTestId('import-outcome')
      .getByText(/^Imported Fashion-MNIST demo/)
      .waitFor({ timeout: 60_000 });
    await page.locator('nav').getByRole('link', { name: 'Run' }).click();
    await expect(page.getByTestId('run-models').textContent()).resolves.toMatch(/local folder 'fixtures'/);
    // Small settings: this checks the path, not the numbers.
    for (const [name, v] of [
      ['k-local', '1'],
      ['k-transfer', '1'],
      ['steps', '2'],
      ['epochs', '2'],
      ['final-epochs', '2'],
      ['seeds', '0'],
    ]) {
      await page.locator(`input[name="${name}"]`).fill(v);
    }
    for (const m of ['search-free', 'identity'])
      await page.locator(`input[name="method"][value="${m}"]`).uncheck();
    await page.getByTestId('run-start').click();
    const done = page.getByTestId('run-done').or(page.getByTestId('run-error'));
    await done.waitFor({ timeout: 300_000 });
    if (await page.getByTestId('run-error').count()) {
      throw new Error((await page.getByTestId('run-error').textContent()) ?? 'run failed');
    }
    await expect(page.getByTestId('reuse').textContent()).resolves.toMatch(/^Done: 1 training run\(s\)/);
    // The folder's index says these are random-weight fixtures: the result says so.
    await expect(page.getByTestId('plumbing-warning').textContent()).resolves.toMatch(/PLUMBING CHECK/);
    expect(errors).toEqual([]);
    expect(foreign).toEqual([]);
  }, 400_000);
});
