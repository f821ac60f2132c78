#!/usr/bin/env node
// `npx autogenda ...`: run the AutoGenDA CLI (src/cli/main.ts) on Deno, which has WebGPU built in.
// Uses the npm `deno` package's binary, else `deno` on PATH; forwards stdio, signals and the exit code.
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { constants as os, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const main = join(root, 'src', 'cli', 'main.ts');

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findDeno() {
  const local = join(root, 'node_modules', '.bin', 'deno');
  if (executable(local)) return local;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && executable(join(dir, 'deno'))) return join(dir, 'deno');
  }
  return undefined;
}

const deno = findDeno();
if (!deno) {
  console.error(
    'autogenda: Deno was not found. Run `npm install` in the AutoGenDA folder (it installs the `deno` package), or install Deno from https://deno.com and put it on PATH.',
  );
  process.exit(127);
}

const env = { ...process.env };
if (!process.stdout.isTTY) env.NO_COLOR = '1'; // no colour codes in pipes and logs
env.DENO_NO_UPDATE_CHECK = '1';
// Deno's WebGPU (wgpu) prints errors when XDG_RUNTIME_DIR is unset; give it a private one.
let xdg;
if (!env.XDG_RUNTIME_DIR) {
  xdg = mkdtempSync(join(tmpdir(), 'autogenda-xdg-'));
  env.XDG_RUNTIME_DIR = xdg;
}

const child = spawn(deno, ['run', '-A', '--no-check', main, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env,
});

// Ctrl+C reaches the child through the terminal's process group; forward other signals ourselves.
const forward = (signal) => () => child.kill(signal);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, forward(signal));

const cleanup = () => {
  if (xdg) rmSync(xdg, { recursive: true, force: true });
};

child.on('error', (e) => {
  cleanup();
  console.error(`autogenda: could not start Deno (${deno}): ${e.message}`);
  process.exit(127);
});

child.on('exit', (code, signal) => {
  cleanup();
  // A child killed by a signal: exit the conventional 128 + signal number.
  if (signal) process.exit(128 + (os.signals[signal] ?? 0));
  process.exit(code ?? 1);
});
