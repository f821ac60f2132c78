/**
 * The supervised `autogenda run` (src/cli/supervise) as a user meets it (Node launcher → Deno
 * supervisor → Deno worker → ONNX Runtime + WebGPU on lavapipe), on fixture models and a small
 * real-photo dataset: the worker, killed from outside by its pid in the middle of the candidates stage
 * (SIGKILL, SIGSEGV), is restarted, continues from the store and ends with the same policy and metrics as
 * an uninterrupted run; with --restarts 0 the crash ends the run with the shell's exit code and a clear
 * line; a kill of the supervisor takes its worker with it.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statusPath, type WorkerStatus } from '../../src/cli/supervise/worker.ts';
import { writePhotoCrops } from '../support/photo-crops.ts';

const root = mkdtempSync(join(tmpdir(), 'autogenda-supervise-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Ran {
  code: number | null;
  out: string;
  err: string;
}

/** Polls while the CLI runs (`launcher`: the npx process's pid): true once it has done its part. */
type Watch = (out: string, launcher: number) => boolean;

/**
 * `npx autogenda ...`, asynchronously (vitest's RPC must not starve); `watch` runs every 20 ms. The CLI
 * leads its own process group, as a terminal's foreground job does.
 */
function autogenda(args: string[], watch?: Watch, out = ''): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['scripts/autogenda.mjs', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const r: Ran = { code: null, out: '', err: '' };
    child.stdout.on('data', (d) => {
      r.out += String(d);
    });
    child.stderr.on('data', (d) => {
      r.err += String(d);
    });
    let done = false;
    const poll = setInterval(() => {
      if (!done && watch) done = watch(out, child.pid!);
    }, 20);
    const limit = setTimeout(() => child.kill('SIGKILL'), 240_000);
    child.on('close', (code) => {
      clearInterval(poll);
      clearTimeout(limit);
      r.code = code;
      resolve(r);
    });
  });
}

const data = join(root, 'data');
const models = join(root, 'fx');
// Tiny everything: 1 candidate per source, 2 epochs; 4 img2img steps so the candidates stage (24
// candidates) lasts long enough to be hit in its middle.
const runArgs = (out: string, ...more: string[]) => [
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
  '4',
  '--epochs',
  '2',
  ...more,
];
const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const CANDIDATES = 24; // 12 training images × (1 local + 1 transfer)

function workerStatus(out: string): WorkerStatus | undefined {
  try {
    return JSON.parse(readFileSync(statusPath(out), 'utf8')) as WorkerStatus;
  } catch {
    return undefined; // not written yet, or being rewritten
  }
}

const storedCandidates = (out: string) => {
  const dir = join(out, '.store', 'candidates');
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).length : 0;
};

/** Running (a zombie nobody reaped, as an orphan may stay in a container, has ended). */
const alive = (pid: number) => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

/**
 * Once the worker is in the candidates stage with 3 candidates stored, sends `signal` to its pid, again
 * every 100 ms until that process is gone or replaced: Deno's runtime catches the first SIGSEGV or
 * SIGBUS sent by kill (a Rust / V8 fault handler that resets itself to the default and returns), so a
 * sent SIGSEGV kills it at the second delivery, while a real fault kills it at once.
 */
function killWorker(signal: NodeJS.Signals, target: 'worker' | 'supervisor' = 'worker') {
  const state: { pid?: number; sent: number; at: number } = { sent: 0, at: 0 };
  const watch: Watch = (out) => {
    const s = workerStatus(out);
    if (state.pid === undefined) {
      if (s?.stage !== 'candidates' || storedCandidates(out) < 3) return false;
      state.pid = target === 'worker' ? s.pid : s.supervisor;
    } else if (s?.pid !== state.pid && target === 'worker') return true; // restarted
    if (Date.now() - state.at < 100) return false;
    if (state.sent >= 20) return true;
    try {
      process.kill(state.pid, signal);
      state.sent++;
      state.at = Date.now();
      return signal === 'SIGKILL' || signal === 'SIGTERM';
    } catch {
      return true; // gone
    }
  };
  return { watch, state };
}

/** The fields of metrics.json that must not depend on how many times the run was interrupted. */
const RESULT_FIELDS = [
  'method',
  'seed',
  'top1',
  'meanClassAcc',
  'perClass',
  'testCount',
  'confusion',
  'testImages',
  'runs',
  'classes',
  'trainCounts',
  'split',
  'generation',
  'settings',
];
const results = (m: Record<string, unknown>) => Object.fromEntries(RESULT_FIELDS.map((k) => [k, m[k]]));

const baselineOut = join(root, 'baseline');
let baseline: Ran;

beforeAll(async () => {
  writePhotoCrops(
    data,
    { cat: 'chelsea.png', coffee: 'coffee.png', astronaut: 'astronaut.png' },
    { count: 5, width: 40, height: 32, stride: 3 },
  );
  const fx = await autogenda(['fixtures', '--out', models]);
  expect(fx.code, fx.err).toBe(0);
  baseline = await autogenda(runArgs(baselineOut));
  expect(baseline.code, baseline.err).toBe(0);
  expect(baseline.err).not.toMatch(/died by/);
  expect(json(join(baselineOut, 'metrics.json')).restarts).toEqual([]);
});

describe('autogenda run, supervised', () => {
  for (const signal of ['SIGKILL', 'SIGSEGV'] as const) {
    it(`a worker killed by ${signal} mid-candidates is restarted and the run ends as an uninterrupted one`, async () => {
      const out = join(root, signal);
      const k = killWorker(signal);
      const r = await autogenda(runArgs(out), k.watch, out);
      expect(k.state.pid, r.err).toBeDefined();
      expect(r.code, r.err).toBe(0);
      expect(r.err).toMatch(
        new RegExp(
          `the worker process \\(pid ${k.state.pid}\\) died by ${signal} in the candidates stage; \\d+ items kept; restart 1 \\(1 of 5 in a row\\)`,
        ),
      );
      expect(r.out).toMatch(
        new RegExp(`restarts after a crash: 1 \\(${signal} in candidates \\(\\d+ items kept\\)\\)`),
      );
      expect(alive(k.state.pid!)).toBe(false);

      expect(json(join(out, 'policy.json'))).toEqual(json(join(baselineOut, 'policy.json')));
      const metrics = json(join(out, 'metrics.json'));
      expect(results(metrics)).toEqual(results(json(join(baselineOut, 'metrics.json'))));
      // continued from the store, not from scratch: the candidates finished before the kill were kept
      expect(metrics.cache.caption).toEqual({ computed: 0, cached: 12 });
      expect(metrics.cache.candidates.cached).toBeGreaterThanOrEqual(3);
      expect(metrics.cache.candidates.computed + metrics.cache.candidates.cached).toBe(CANDIDATES);
      expect(metrics.restarts).toHaveLength(1);
      expect(metrics.restarts[0]).toMatchObject({ signal, stage: 'candidates' });
      expect(metrics.restarts[0].kept).toBeGreaterThanOrEqual(15 + 12 + 3); // images, captions, candidates
      expect(Date.parse(metrics.restarts[0].at)).not.toBeNaN();
      expect(json(join(out, 'report.json')).restarts).toEqual(metrics.restarts);
      expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(/restarts after a crash: 1/);
      expect(existsSync(statusPath(out))).toBe(false); // the supervisor cleans up after itself
    });
  }

  it('--restarts 0: the crash ends the run with 128 + signal and a line saying what happened', async () => {
    const out = join(root, 'no-restart');
    const k = killWorker('SIGKILL');
    const r = await autogenda(runArgs(out, '--restarts', '0'), k.watch, out);
    expect(r.code, r.err).toBe(137);
    expect(r.err).toMatch(
      new RegExp(
        `the worker process \\(pid ${k.state.pid}\\) died by SIGKILL in the candidates stage; \\d+ items kept; not restarting \\(--restarts 0\\): re-run the same command to continue; if it crashes there again, try --ep wasm`,
      ),
    );
    expect(existsSync(join(out, 'policy.json'))).toBe(false);
    expect(storedCandidates(out)).toBeGreaterThanOrEqual(3); // what finished is kept
  });

  it('a kill of the supervisor stops its worker too, as it stopped an unsupervised run', async () => {
    const out = join(root, 'supervisor-killed');
    const k = killWorker('SIGKILL', 'supervisor');
    let worker = 0;
    const r = await autogenda(
      runArgs(out),
      (o, launcher) => {
        worker ||= workerStatus(o)?.pid ?? 0;
        return k.watch(o, launcher);
      },
      out,
    );
    expect(r.code).toBe(137); // the launcher reports the supervisor's death
    expect(worker).toBeGreaterThan(0);
    // the worker sees its stdin pipe close and ends itself
    for (let i = 0; i < 100 && alive(worker); i++) await new Promise((res) => setTimeout(res, 50));
    expect(alive(worker)).toBe(false);
    expect(existsSync(join(out, 'policy.json'))).toBe(false);
  });

  it('one Ctrl+C (SIGINT to the whole process group, as a terminal sends it) cancels once, after the current item', async () => {
    const out = join(root, 'ctrl-c');
    const captions = join(out, '.store', 'captions');
    const r = await autogenda(
      runArgs(out),
      (_out, launcher) => {
        if (!existsSync(captions) || readdirSync(captions).filter((f) => f.endsWith('.json')).length < 3)
          return false;
        process.kill(-launcher, 'SIGINT'); // launcher, supervisor and worker each get it
        return true;
      },
      out,
    );
    expect(r.code, r.err).toBe(1); // not 130: no press was taken as a second one
    expect(r.err.match(/cancelling after the current item/g)).toHaveLength(1);
    expect(r.err).toMatch(/Run cancelled; finished items are kept: re-run the same command to continue/);
    expect(r.err).not.toMatch(/died by/);
    expect(existsSync(join(out, 'policy.json'))).toBe(false);
  });

  it('--restarts must be a whole number', async () => {
    const r = await autogenda(runArgs(join(root, 'x'), '--restarts', '-1'));
    expect(r.code).toBe(64);
    expect(r.err).toMatch(/--restarts must be an integer >= 0/);
  });
});
