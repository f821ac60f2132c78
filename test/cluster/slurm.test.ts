/**
 * The Slurm scripts on a real single-node Slurm cluster (slurmctld + slurmd + munged from Debian's
 * packages, started here by scripts/cluster/slurm-local.sh): submit-slurm.sh queues the captions array,
 * the shards array and the final job, each after the one before. With the real `autogenda`, fixture
 * models and a small image folder, the cluster's outputs equal a single-process run's. With a stand-in
 * script that records its arguments: each task runs `autogenda run ARGS --shard I/N` with its own I, and a
 * failed shard cancels everything after it. Skipped, with the reason printed, where the daemons cannot
 * start (not root, no packages and no apt-get, …).
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAsync } from '../support/cli.ts';
import { writePhotoCrops } from '../support/photo-crops.ts';

const root = new URL('../..', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'autogenda-slurm-test-'));
const slurmDir = join(tmp, 'slurm');
let skip: string | undefined;
let env: NodeJS.ProcessEnv = process.env;

const sh = (args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}) => {
  const r = spawnSync(args[0], args.slice(1), {
    encoding: 'utf8',
    env: opts.env ?? env,
    cwd: opts.cwd ?? root,
  });
  return { code: r.status, out: r.stdout ?? '', err: `${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
};

/** Like sh, but the test's worker keeps answering while a long command (a whole run) works. */
const shAsync = (args: string[]) => runAsync(args[0], args.slice(1), { env, cwd: root });

beforeAll(() => {
  if (process.platform !== 'linux') skip = `Slurm tier: needs Linux, not ${process.platform}`;
  else if (process.getuid?.() !== 0) skip = 'Slurm tier: needs root (slurmd runs jobs as SlurmUser=root)';
  if (skip) return;
  const t0 = performance.now();
  const r = sh(['bash', 'scripts/cluster/slurm-local.sh', 'start', slurmDir]);
  if (r.code !== 0) {
    skip = `Slurm tier: the daemons did not start: ${r.err.trim().split('\n').slice(-3).join(' | ')}`;
    return;
  }
  env = { ...process.env, SLURM_CONF: join(slurmDir, 'slurm.conf') };
  console.log(`slurm-local.sh start: ${Math.round(performance.now() - t0)} ms`);
});

afterAll(() => {
  if (existsSync(slurmDir)) sh(['bash', 'scripts/cluster/slurm-local.sh', 'stop', slurmDir]);
  rmSync(tmp, { recursive: true, force: true });
});

/** A stand-in `autogenda`: records each call; a shard named in FAKE_FAIL_SHARD exits 3. */
function fakeAutogenda(dir: string): string {
  const path = join(dir, 'autogenda');
  writeFileSync(
    path,
    `#!/bin/bash
set -eu
echo "$*" >>"$FAKE_LOG/calls"
case " $* " in
*" --shard "*)
  shard=\${@: -1}
  [ "\${shard%/*}" = "\${FAKE_FAIL_SHARD:-}" ] && exit 3
  echo "$*" >"$FAKE_LOG/shard-\${shard%/*}" ;;
*)
  # The final job's run: record how many shards had finished when it started.
  [ "$1" = run ] && echo "$(ls "$FAKE_LOG" | grep -c '^shard-') $*" >"$FAKE_LOG/final" ;;
esac
`,
  );
  chmodSync(path, 0o755);
  return path;
}

/** Waits for a job to leave the queue; its final state (COMPLETED, FAILED, CANCELLED…). */
async function waitJob(id: string, timeoutMs = 120_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const r = sh(['scontrol', 'show', 'job', '-o', id]);
    const state = /JobState=(\S+)/.exec(r.out)?.[1];
    if (state && !['PENDING', 'RUNNING', 'CONFIGURING', 'COMPLETING'].includes(state)) return state;
    if (Date.now() > end)
      throw new Error(`job ${id} still ${state ?? 'unknown'} after ${timeoutMs} ms: ${r.out}${r.err}`);
    await new Promise((res) => setTimeout(res, 200));
  }
}

function submit(dir: string, extraEnv: Record<string, string>) {
  mkdirSync(join(dir, 'log'), { recursive: true });
  const jobEnv = {
    ...env,
    AUTOGENDA: fakeAutogenda(dir),
    FAKE_LOG: join(dir, 'log'),
    // This node has few CPUs and little memory: the scripts' defaults are for a GPU cluster.
    AUTOGENDA_SBATCH_ARRAY: '--cpus-per-task=1 --mem=200M --time=5',
    AUTOGENDA_SBATCH_FINAL: '--cpus-per-task=1 --mem=200M --time=5',
    ...extraEnv,
  };
  const args = ['--data', join(dir, 'data'), '--out', join(dir, 'out'), '--models', join(dir, 'fx')];
  const r = sh(['bash', join(root, 'scripts/cluster/submit-slurm.sh'), '3', ...args], {
    env: jobEnv,
    cwd: dir,
  });
  expect(r.code, r.err).toBe(0);
  const m = /^captions=(\d+) array=(\d+) final=(\d+)$/m.exec(r.out) as RegExpExecArray;
  expect(m, r.out).not.toBeNull();
  return { captions: m[1], array: m[2], final: m[3], args: args.join(' ') };
}

describe('Slurm job array + dependent final job (single-node cluster)', () => {
  it('three shards each run `run ARGS --shard I/3`; the final run starts after all three', async (ctx) => {
    if (skip) {
      console.log(skip);
      ctx.skip();
    }
    const dir = join(tmp, 'ok');
    const t0 = performance.now();
    const { captions, array, final, args } = submit(dir, {});
    expect(await waitJob(final)).toBe('COMPLETED');
    console.log(`array of 3 + final job: ${Math.round(performance.now() - t0)} ms from submission to done`);
    for (const i of [0, 1, 2])
      expect(readFileSync(join(dir, 'log', `shard-${i}`), 'utf8').trim()).toBe(`run ${args} --shard ${i}/3`);
    expect(readFileSync(join(dir, 'log', 'final'), 'utf8').trim()).toBe(`3 run ${args}`);
    for (const i of [0, 1, 2]) expect(await waitJob(`${array}_${i}`)).toBe('COMPLETED');
    // the captions array ran first, with --until caption
    const calls = readFileSync(join(dir, 'log', 'calls'), 'utf8');
    for (const i of [0, 1, 2]) expect(calls).toContain(`run ${args} --until caption --shard ${i}/3`);
    const first = readFileSync(join(dir, `autogenda-shards-${captions}_0.out`), 'utf8');
    expect(first).toMatch(/^shard 0\/3 on /m);
    expect(readdirSync(dir)).toEqual(
      expect.arrayContaining([`autogenda-shards-${array}_0.out`, `autogenda-final-${final}.out`]),
    );
  });

  it('a failed shard cancels the final job, which never runs', async (ctx) => {
    if (skip) {
      console.log(skip);
      ctx.skip();
    }
    const dir = join(tmp, 'fail');
    const { captions, array, final } = submit(dir, { FAKE_FAIL_SHARD: '1' });
    expect(await waitJob(`${captions}_1`)).toBe('FAILED');
    expect(await waitJob(`${array}_0`)).toBe('CANCELLED');
    expect(await waitJob(final)).toBe('CANCELLED');
    expect(existsSync(join(dir, 'log', 'final'))).toBe(false);
    expect(existsSync(join(dir, 'log', 'shard-0'))).toBe(true);
  });

  it('the array script refuses an array that is not 0..N-1, unless AUTOGENDA_SHARDS gives N (re-running one shard)', async (ctx) => {
    if (skip) {
      console.log(skip);
      ctx.skip();
    }
    const dir = join(tmp, 'range');
    mkdirSync(dir, { recursive: true });
    const r = sh(
      [
        'sbatch',
        '--parsable',
        '--array=1-3',
        '--cpus-per-task=1',
        '--mem=200M',
        join(root, 'scripts/cluster/slurm-array.sbatch'),
        '--out',
        dir,
      ],
      { env: { ...env, AUTOGENDA: fakeAutogenda(dir), FAKE_LOG: dir }, cwd: dir },
    );
    expect(r.code, r.err).toBe(0);
    const id = r.out.trim().split(';')[0];
    expect(await waitJob(`${id}_1`)).toBe('FAILED');
    expect(readFileSync(join(dir, `autogenda-shards-${id}_1.out`), 'utf8')).toMatch(
      /the array must be --array=0-2 \(got 1-3\)/,
    );
    // Shard 1 of 3 alone, as after a failed task.
    const again = sh(
      [
        'sbatch',
        '--parsable',
        '--array=1',
        '--cpus-per-task=1',
        '--mem=200M',
        join(root, 'scripts/cluster/slurm-array.sbatch'),
        '--out',
        dir,
      ],
      { env: { ...env, AUTOGENDA: fakeAutogenda(dir), FAKE_LOG: dir, AUTOGENDA_SHARDS: '3' }, cwd: dir },
    );
    expect(again.code, again.err).toBe(0);
    expect(await waitJob(`${again.out.trim().split(';')[0]}_1`)).toBe('COMPLETED');
    expect(readFileSync(join(dir, 'shard-1'), 'utf8').trim()).toBe(`run --out ${dir} --shard 1/3`);
  });

  it('the real sharded run on fixture models equals a single-process run', async (ctx) => {
    if (skip) {
      console.log(skip);
      ctx.skip();
    }
    const dir = join(tmp, 'real');
    const cli = [process.execPath, join(root, 'scripts/autogenda.mjs')];
    const data = join(dir, 'data');
    writePhotoCrops(
      data,
      { cat: 'chelsea.png', coffee: 'coffee.png' },
      { count: 6, width: 40, height: 32, stride: 3 },
    );
    expect((await shAsync([...cli, 'fixtures', '--out', join(dir, 'fx')])).code).toBe(0);
    const settings = [
      '--methods',
      'autogenda,dafusion',
      '--k-local',
      '1',
      '--k-transfer',
      '1',
      '--steps',
      '1',
      '--epochs',
      '2',
    ];
    const one = await shAsync([
      ...cli,
      'run',
      '--data',
      data,
      '--out',
      join(dir, 'whole'),
      '--models',
      join(dir, 'fx'),
      ...settings,
    ]);
    expect(one.code, one.err).toBe(0);
    const t0 = performance.now();
    mkdirSync(join(dir, 'log'), { recursive: true });
    const r = sh(
      [
        'bash',
        join(root, 'scripts/cluster/submit-slurm.sh'),
        '3',
        '--data',
        data,
        '--out',
        join(dir, 'out'),
        '--models',
        join(dir, 'fx'),
        ...settings,
      ],
      {
        env: {
          ...env,
          AUTOGENDA: cli.join(' '),
          AUTOGENDA_SBATCH_ARRAY: '--cpus-per-task=1 --mem=500M --time=10',
          AUTOGENDA_SBATCH_FINAL: '--cpus-per-task=1 --mem=500M --time=10',
        },
        cwd: dir,
      },
    );
    expect(r.code, r.err).toBe(0);
    const final = (/final=(\d+)/.exec(r.out) as RegExpExecArray)[1];
    const state = await waitJob(final, 540_000);
    const log = readFileSync(join(dir, `autogenda-final-${final}.out`), 'utf8');
    expect(state, log).toBe('COMPLETED');
    console.log(`real sharded run (2 arrays of 3 + final): ${Math.round(performance.now() - t0)} ms`);
    // the final run found every caption, candidate and feature the shards made
    for (const stage of ['caption', 'candidates', 'features'])
      expect(log).toMatch(new RegExp(`${stage} 0 computed`));
    const text = (p: string) => readFileSync(p, 'utf8');
    expect(text(join(dir, 'out', 'policy.json'))).toBe(text(join(dir, 'whole', 'policy.json')));
    const runs = (out: string) => JSON.parse(text(join(out, 'metrics.json'))).runs;
    expect(runs(join(dir, 'out'))).toEqual(runs(join(dir, 'whole')));
    expect(text(join(dir, 'out', 'metadata.jsonl'))).toBe(text(join(dir, 'whole', 'metadata.jsonl')));
  }, 600_000);
});
