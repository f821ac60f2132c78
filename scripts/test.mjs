#!/usr/bin/env node
// The whole test suite: typecheck, lint, unit (Node), gpu (Deno WebGPU on lavapipe), gpu-node (Node + Dawn on
// lavapipe), e2e (Chromium), cluster (a local Slurm cluster).
// Ends with one summary line `N passed, N failed`. `--tier unit,gpu` runs a subset.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
process.chdir(root);
const bin = (name) => join(root, 'node_modules', '.bin', name);
const out = 'test-results';
mkdirSync(out, { recursive: true });

const env = { ...process.env };
env.XDG_RUNTIME_DIR ??= mkdtempSync(join(tmpdir(), 'xdg-')); // Deno's WebGPU complains without it
if (!process.stdout.isTTY) env.NO_COLOR = '1';

const tiers = {
  typecheck: () => check(bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']),
  lint: () => check(bin('biome'), ['check', '.']),
  unit: () => vitest('unit', ['run', '--config', 'vitest.config.ts']),
  gpu: () => deno(),
  'gpu-node': () => vitest('gpu-node', ['run', '--config', 'vitest.gpu-node.config.ts']),
  e2e: () => vitest('e2e', ['run', '--config', 'vitest.e2e.config.ts']),
  // A single-node Slurm cluster the tests start and stop (scripts/cluster/slurm-local.sh); skipped with the
  // reason printed where its daemons cannot start.
  cluster: () => vitest('cluster', ['run', '--config', 'vitest.cluster.config.ts']),
};

const pick = process.argv.includes('--tier')
  ? process.argv[process.argv.indexOf('--tier') + 1].split(',')
  : Object.keys(tiers);
const unknown = pick.filter((t) => !(t in tiers));
if (unknown.length) {
  console.error(`unknown tier(s): ${unknown.join(', ')}; known: ${Object.keys(tiers).join(', ')}`);
  process.exit(64);
}

/** Runs a command with the suite's environment; the exit status, or the signal that ended it. */
function spawn(cmd, args) {
  console.log(`\n$ ${[cmd.replace(`${root}/`, ''), ...args].join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env });
  return { status: r.status ?? 1, signal: r.signal };
}

const run = (cmd, args) => spawn(cmd, args).status;

/** A tool that passes or fails as a whole (type check, lint) counts as one check. */
function check(cmd, args) {
  const ok = run(cmd, args) === 0;
  return { passed: ok ? 1 : 0, failed: ok ? 0 : 1 };
}

function vitest(name, args) {
  const file = join(out, `${name}.json`);
  rmSync(file, { force: true });
  const status = run(bin('vitest'), [
    ...args,
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${file}`,
  ]);
  if (!existsSync(file)) return { passed: 0, failed: 1, note: `vitest exited ${status} without a report` };
  const r = JSON.parse(readFileSync(file, 'utf8'));
  // A file that failed to load counts as a failure even when it reported no test.
  const broken = r.testResults.filter((f) => f.status === 'failed' && f.assertionResults.length === 0).length;
  const res = {
    passed: r.numPassedTests,
    failed: r.numFailedTests + broken,
    skipped: r.numPendingTests + r.numTodoTests,
  };
  if (status !== 0 && res.failed === 0) return { ...res, failed: 1, note: `vitest exited ${status}` };
  return res;
}

function deno() {
  const file = join(out, 'gpu.xml');
  rmSync(file, { force: true });
  const { status, signal } = spawn(bin('deno'), [
    'test',
    '-A',
    '--no-check',
    `--junit-path=${file}`,
    'test/gpu/',
  ]);
  if (!existsSync(file))
    return { passed: 0, failed: 1, note: `deno exited ${signal ?? status} without a report` };
  const xml = readFileSync(file, 'utf8');
  const m = xml.match(/<testsuites[^>]*\btests="(\d+)"[^>]*\bfailures="(\d+)"[^>]*\berrors="(\d+)"/);
  if (!m) return { passed: 0, failed: 1, note: 'unreadable junit report' };
  const [tests, failures, errors] = m.slice(1).map(Number);
  const res = { passed: tests - failures - errors, failed: failures + errors };
  // Deno writes the report once every test has ended. An abort after it is the process's teardown: glibc
  // finding its heap corrupted while lavapipe's libraries unload (docs/SEGFAULT.md). Said, not failed.
  if (signal === 'SIGABRT' && res.failed === 0)
    return { ...res, note: 'deno aborted at exit, after its report (SIGABRT; docs/SEGFAULT.md)' };
  if (status !== 0 && res.failed === 0) return { ...res, failed: 1, note: `deno exited ${signal ?? status}` };
  return res;
}

const results = {};
for (const t of pick) results[t] = tiers[t]();

console.log('\n── summary ──');
let passed = 0;
let failed = 0;
let skipped = 0;
for (const [t, r] of Object.entries(results)) {
  passed += r.passed;
  failed += r.failed;
  skipped += r.skipped ?? 0;
  console.log(
    `${t.padEnd(10)} ${r.passed} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ''}${r.note ? `  (${r.note})` : ''}`,
  );
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
