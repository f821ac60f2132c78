/** Headless Debian Chromium with WebGPU (SwiftShader here), a fresh profile per launch. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-unsafe-webgpu',
];

/** A persistent context so IndexedDB survives reloads; pass the same dir to relaunch "the same browser". */
export async function launch(
  userDataDir = mkdtempSync(join(tmpdir(), 'autogenda-chromium-')),
): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
  });
}

export const SCREENSHOTS = 'test-results/screens';

/** A Vite dev server on a fixed port, serving the repository (harness pages live under test/e2e). */
export async function devServer(port: number): Promise<ViteDevServer> {
  const server = await createServer({ server: { port, strictPort: true }, logLevel: 'error' });
  await server.listen();
  return server;
}

/**
 * Waits until a harness page publishes its result on `window[key]` (or an error on `window[errorKey]`)
 * and returns the result as JSON; a page error is thrown with the harness's name.
 */
export async function harnessResult<T>(
  page: Page,
  key: string,
  errorKey: string,
  timeoutMs: number,
): Promise<T> {
  const handle = await page.waitForFunction(
    ([k, e]) => {
      const w = window as unknown as Record<string, unknown>;
      return w[e] ? { error: w[e] } : w[k];
    },
    [key, errorKey] as const,
    { timeout: timeoutMs, polling: 100 },
  );
  const value = (await handle.jsonValue()) as T & { error?: string };
  if (value && typeof value === 'object' && 'error' in value && value.error) {
    throw new Error(`${key} harness failed in Chromium: ${value.error}`);
  }
  return value;
}
