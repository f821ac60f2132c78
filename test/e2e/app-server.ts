/** The app as a user starts it (`node scripts/start.mjs`), and a page-error watcher, for the app's e2e tests. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launch, SCREENSHOTS } from './browser.ts';

/** Start `node scripts/start.mjs --port PORT` in its own process group; resolve when it prints its URL. */
export function startApp(port: number): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['scripts/start.mjs', '--port', String(port)], {
      detached: true, // own process group, so stopApp ends vite and anything it started
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      if (/running at/.test(log)) resolve(child);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`start.mjs exited (${code}) before serving:\n${log}`)));
  });
}

export function stopApp(child: ChildProcess | undefined): void {
  if (!child?.pid || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    child.kill('SIGTERM');
  }
}

/**
 * Collects uncaught page errors and failed requests (and, with `console`, console errors), to assert there
 * are none. The console's "Failed to load resource" does not name the file; the response hook does.
 */
export function watchErrors(page: Page, { console = false } = {}): string[] {
  const errors: string[] = [];
  if (console) {
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
  }
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 400) errors.push(`http ${r.status()}: ${r.url()}`);
  });
  return errors;
}

/**
 * For one test file: serve the app on `port` and launch Chromium (a fresh persistent profile) before
 * its tests, close both after them. `ctx` is valid inside tests.
 */
export function servedApp(port: number): { url: string; readonly ctx: BrowserContext } {
  let server: ChildProcess | undefined;
  let ctx: BrowserContext | undefined;
  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    server = await startApp(port);
    ctx = await launch();
  }, 300_000);
  afterAll(async () => {
    await ctx?.close();
    stopApp(server);
  });
  return {
    url: `http://localhost:${port}/`,
    get ctx() {
      if (!ctx) throw new Error('the app is not started (use app.ctx inside a test)');
      return ctx;
    },
  };
}
