/**
 * The built app from a plain static host under a sub-path (like a project page at /<repo>/), with no
 * COOP/COEP headers: the page, its workers, ONNX Runtime's wasm and the bundled demo all load from
 * relative URLs, the app says it is not cross-origin isolated (single-threaded wasm), and the demo
 * imports and runs end to end.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { watchErrors } from './app-server.ts';
import { launch, SCREENSHOTS } from './browser.ts';

const PORT = 4529;
const PREFIX = '/autogenda/';
const URL = `http://localhost:${PORT}${PREFIX}`;
const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.zip': 'application/zip',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain',
};
const out = mkdtempSync(join(tmpdir(), 'autogenda-static-'));
let server: Server | undefined;
let ctx: BrowserContext | undefined;

/** Files of `out` under PREFIX, nothing else; no isolation headers. */
function serveStatic(): Promise<Server> {
  const s = createServer((req, res) => {
    const path = decodeURIComponent(new globalThis.URL(req.url ?? '/', URL).pathname);
    if (!path.startsWith(PREFIX)) return void res.writeHead(404).end();
    const rel = normalize(path.slice(PREFIX.length) || 'index.html');
    const file = join(out, rel);
    if (!file.startsWith(out) || !statSync(file, { throwIfNoEntry: false })?.isFile()) {
      return void res.writeHead(404).end();
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  return new Promise((resolve) => s.listen(PORT, 'localhost', () => resolve(s)));
}

beforeAll(async () => {
  await build({ logLevel: 'warn', build: { outDir: out, emptyOutDir: true } });
  server = await serveStatic();
  ctx = await launch();
}, 300_000);

afterAll(async () => {
  await ctx?.close();
  server?.close();
  rmSync(out, { recursive: true, force: true });
});

describe('served from a sub-path of a static host, without COOP/COEP', () => {
  it('loads, imports the bundled demo and runs it', async () => {
    const page = await ctx!.newPage();
    const errors = watchErrors(page);
    await page.goto(URL);
    await page.getByTestId('capabilities-ready').waitFor({ timeout: 60_000 });
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
    await expect(page.getByTestId('isolation').textContent()).resolves.not.toMatch(
      /^Multi-threaded wasmAvailable/,
    );

    await page.getByTestId('run-demo').click();
    const done = page.getByTestId('run-done').or(page.getByTestId('run-error'));
    await done.waitFor({ timeout: 500_000 });
    if (await page.getByTestId('run-error').count()) {
      throw new Error((await page.getByTestId('run-error').textContent()) ?? 'run failed');
    }
    await expect(page.getByTestId('run-dataset').textContent()).resolves.toMatch(
      /^Fashion-MNIST demo: 100 images/,
    );
    expect(page.url()).toBe(`${URL}#run`);
    await page.screenshot({ path: join(SCREENSHOTS, 'static-host-run.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 600_000);
});
