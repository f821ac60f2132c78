/**
 * Where a search step's time goes: each prepared dispatch of our θ and α steps, timed alone (repeated in one
 * pass, wall-clock per submit, an empty submit subtracted), next to the whole step. Uses the engine's own
 * ops (reached through its private builders, benchmark only), so it profiles exactly what search() encodes.
 *
 *   node_modules/.bin/deno run -A --no-check bench/kernel-profile.ts [--reps N] [--only name,name] [--json out.json]
 *
 * Software adapters: the shares tell which kernel to fix first; the milliseconds are not claims.
 */
export {}; // a module (top-level await); everything else is imported dynamically after XDG_RUNTIME_DIR is set

declare const Deno: {
  args: string[];
  env: { get(k: string): string | undefined; set(k: string, v: string): void };
  makeTempDirSync(o?: { prefix?: string }): string;
  writeTextFile(path: string, data: string): Promise<void>;
  exit(code: number): never;
};

if (!Deno.env.get('XDG_RUNTIME_DIR'))
  Deno.env.set('XDG_RUNTIME_DIR', Deno.makeTempDirSync({ prefix: 'xdg-' }));

const { adapterLabel } = await import('../src/gpu/capabilities.ts');
const { Gpu } = await import('../src/gpu/device.ts');
const { resolveTrainConfig } = await import('../src/train/config.ts');
const { TrainEngine } = await import('../src/train/engine.ts');
const { encodeOps } = await import('../src/train/ops.ts');
const { randomBank } = await import('../test/support/random-bank.ts');
const { systemInfo } = await import('./system.ts');

type Op = import('../src/train/ops.ts').Op;
type HeadGpu = import('../src/train/head-gpu.ts').HeadGpu;

/** The engine's private step builders (TypeScript privacy only; benchmark use). */
interface EngineInternals {
  exploitOps(pool: 'train', head: HeadGpu, alpha: GPUBuffer): Promise<Op[]>;
  exploreOps(head: HeadGpu, alpha: GPUBuffer, st: { am: GPUBuffer; at: GPUBuffer }): Promise<Op[]>;
  newHead(label: string): HeadGpu;
  zeros(count: number, label: string): GPUBuffer;
}

const WORKLOADS = [
  { name: 'fmnist-d784-c10', N: 2000, S: 3, K: 2, D: 784, C: 10 },
  { name: 'r50-d2048-c10', N: 1200, S: 3, K: 2, D: 2048, C: 10 },
  { name: 'r50-d2048-c100', N: 1200, S: 3, K: 2, D: 2048, C: 100 },
  { name: 'tiny-d64-c10', N: 2000, S: 3, K: 2, D: 64, C: 10 },
];

const argAt = (n: string) => (Deno.args.includes(n) ? Deno.args[Deno.args.indexOf(n) + 1] : undefined);
const reps = Number(argAt('--reps') ?? 40);
const only = argAt('--only')?.split(',');
const jsonPath = argAt('--json');

const gpu = await Gpu.acquire();
const device = gpu.device;
const system = systemInfo();
console.log(
  `adapter: ${adapterLabel(gpu.capabilities)} (Mesa ${system.mesaVulkanDrivers}); ${system.cpu}; load ${system.loadAverage}; ${reps} repetitions per timing`,
);

/** Seconds per repetition of `ops` (all of them, in order), one submit, minus an empty submit. */
async function time(ops: Op[], n: number): Promise<number> {
  const run = async (count: number) => {
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    for (let i = 0; i < count; i++) encodeOps(pass, ops, 0);
    pass.end();
    const t0 = performance.now();
    device.queue.submit([enc.finish()]);
    await device.queue.onSubmittedWorkDone();
    return (performance.now() - t0) / 1000;
  };
  await run(2); // warm
  // Best of 5 for both (a busy machine only ever adds time), so a hiccup in the empty submit cannot
  // swallow the measurement.
  const best5 = async (count: number) => {
    let m = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 5; i++) m = Math.min(m, await run(count));
    return m;
  };
  const empty = await best5(0);
  const best = await best5(n);
  return Math.max(0, best - empty) / n;
}

const results: unknown[] = [];
for (const w of WORKLOADS) {
  if (only && !only.includes(w.name)) continue;
  const bank = randomBank(7, w);
  const cfg = resolveTrainConfig({ epochs: 1, seed: 7 });
  const engine = await TrainEngine.create(gpu, bank, cfg);
  await engine.search(); // compiles pipelines and leaves a valid step in slot 0 of the slab
  const e = engine as unknown as EngineInternals;
  const head = e.newHead('profile');
  const alpha = e.zeros(w.C * w.S, 'profile.alpha');
  const st = { am: e.zeros(2 * w.C * w.S, 'profile.am'), at: e.zeros(w.C * w.S, 'profile.at') };
  const steps = {
    exploit: await e.exploitOps('train', head, alpha),
    explore: await e.exploreOps(head, alpha, st),
  };
  console.log(`\n## ${w.name} (B=${cfg.batchSize}, D=${w.D}, C=${w.C}, S=${w.S})`);
  console.log('| step | # | kernel | workgroups | ms/dispatch | share of step |');
  console.log('|---|---:|---|---|---:|---:|');
  const rows: unknown[] = [];
  for (const [kind, ops] of Object.entries(steps)) {
    const whole = await time(ops, reps);
    const each: number[] = [];
    for (const op of ops) each.push(await time([op], reps));
    ops.forEach((op, i) => {
      const wg = op.workgroups.join('×');
      console.log(
        `| ${kind} | ${i + 1} | ${op.kernel.spec.label} | ${wg} | ${(each[i] * 1e3).toFixed(3)} | ${((100 * each[i]) / whole).toFixed(0)}% |`,
      );
      rows.push({
        kind,
        index: i,
        kernel: op.kernel.spec.label,
        workgroups: op.workgroups,
        seconds: each[i],
      });
    });
    console.log(
      `| ${kind} | all | (whole step, one pass) | | ${(whole * 1e3).toFixed(3)} | sum of parts ${((100 * each.reduce((a, b) => a + b, 0)) / whole).toFixed(0)}% |`,
    );
    rows.push({ kind, index: 'all', seconds: whole });
  }
  // Host side: encoding 256 alternating θ/α steps into one pass (what runPhase does per submit), no submit.
  const t0 = performance.now();
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  for (let i = 0; i < 256; i++) encodeOps(pass, i % 2 ? steps.explore : steps.exploit, i);
  pass.end();
  enc.finish();
  const encodeUs = ((performance.now() - t0) * 1000) / 256;
  console.log(`host encoding: ${encodeUs.toFixed(1)} µs per step (256 steps into one pass, not submitted)`);
  results.push({ workload: w, rows, encodeUsPerStep: encodeUs });
  engine.release();
}
const json = { adapter: adapterLabel(gpu.capabilities), system, reps, results };
if (jsonPath) await Deno.writeTextFile(jsonPath, `${JSON.stringify(json, null, 2)}\n`);
gpu.destroy();
Deno.exit(0);
