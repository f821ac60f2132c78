/** The app as a user starts it (`node scripts/start.mjs`), and a page-error watcher, for the app's e2e tests. */
import { type ChildProcess, spawn } from 'node:child_process';
import type { Page } from 'playwright-core';

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
