/**
 * Training-engine benchmark: the same bilevel policy search (θ exploitation + α exploration, alternating,
 * linear head, batch 32, default config) done by
 *   (a) our WGSL kernels (TrainEngine.search),
 *   (b) a general-purpose WebGPU library doing the same maths (tfjs-backend-webgpu, bench/tfjs-search.ts),
 *   (c) a float32 CPU loop (ReferenceTrainer with Float32Array),
 * in one process on one adapter, on synthetic banks with this product's shapes. Prints a markdown table
 * and JSON (steps/s, dispatches per step, ratios) and checks that the three did the same work (final α).
 *
 *   node_modules/.bin/deno run -A --no-check bench/train-bench.ts [--quick] [--json out.json]
 *        [--only name,name] [--epochs N] [--trials N] [--skip-cpu] [--tfjs-submit-batch N]
 *
 * Figures from software adapters (lavapipe, SwiftShader) size things; they are not performance claims.
 */
import { installGpuCounters, since, snapshot } from './gpu-counters.ts';

installGpuCounters(); // before any device exists, so tfjs's calls are counted too

declare const Deno: {
  args: string[];
  env: { get(k: string): string | undefined; set(k: string, v: string): void };
  makeTempDirSync(o?: { prefix?: string }): string;
  writeTextFile(path: string, data: string): Promise<void>;
  version: { deno: string; v8: string };
  build: { os: string; arch: string };
  exit(code: number): never;
};

if (!Deno.env.get('XDG_RUNTIME_DIR'))
  Deno.env.set('XDG_RUNTIME_DIR', Deno.makeTempDirSync({ prefix: 'xdg-' }));

const { adapterLabel } = await import('../src/gpu/capabilities.ts');
const { Gpu } = await import('../src/gpu/device.ts');
const { resolveTrainConfig } = await import('../src/train/config.ts');
const { TrainEngine } = await import('../src/train/engine.ts');
const { ReferenceTrainer } = await import('../src/train/reference.ts');
const { stepsPerEpoch } = await import('../src/train/schedule.ts');
const { randomBank } = await import('../test/support/random-bank.ts');
const { TfjsSearch, setTfjsFlag, tfjsWebgpuReady } = await import('./tfjs-search.ts');
const { cpuInfo, debianPackageVersion, loadAverage } = await import('./system.ts');

type TrainConfig = import('../src/train/config.ts').TrainConfig;
type FeatureBank = import('../src/train/bank.ts').FeatureBank;

interface Workload {
  name: string;
  what: string;
  N: number;
  S: number;
  K: number;
  D: number;
  C: number;
}

/**
 * Shapes of this product: ResNet-50 pooled features (2048) for 10/100 classes, Fashion-MNIST pixels; and a
 * tiny one that isolates per-step overheads.
 */
const WORKLOADS: Workload[] = [
  { name: 'fmnist-d784-c10', what: 'Fashion-MNIST-sized (784 pixels)', N: 2000, S: 3, K: 2, D: 784, C: 10 },
  { name: 'r50-d2048-c10', what: 'ResNet-50 features, 10 classes', N: 1200, S: 3, K: 2, D: 2048, C: 10 },
  { name: 'r50-d2048-c100', what: 'ResNet-50 features, 100 classes', N: 1200, S: 3, K: 2, D: 2048, C: 100 },
  // Kernel work ≈ 0: per-step fixed costs (dispatch, encoding, library bookkeeping) dominate, as they would
  // for the real shapes on a fast GPU.
  { name: 'tiny-d64-c10', what: 'overhead-bound (tiny features)', N: 2000, S: 3, K: 2, D: 64, C: 10 },
];

interface Row {
  workload: string;
  impl: 'ours' | 'tfjs-webgpu' | 'cpu-f32';
  label: string;
  steps: number;
  /** Median over the trials. */
  seconds: number;
  secondsPerTrial: number[];
  stepsPerSecond: number;
  dispatchesPerStep: number | null;
  dispatchesPerStepByKind: { exploit: number; explore: number } | null;
  submitsPerStep: number | null;
  bindGroupsPerStep: number | null;
  writeBuffersPerStep: number | null;
  /** tfjs only: ms per step the host spent issuing work (JS, tfjs bookkeeping, encoding) before the final read. */
  hostMsPerStep: number | null;
  /** mapAsync calls while the steps ran (ours: only the end-of-phase reads). */
  readbacksDuringRun: number | null;
  /** ours steps/s ÷ this row's steps/s. */
  oursSpeedup: number;
  alphaMaxAbsDiffVsOurs: number | null;
  alphaMaxAbs: number;
  finalTrainLoss: number;
  finalValidLoss: number;
}

function arg(name: string): string | undefined {
  const i = Deno.args.indexOf(name);
  return i >= 0 ? Deno.args[i + 1] : undefined;
}

const quick = Deno.args.includes('--quick');
const skipCpu = Deno.args.includes('--skip-cpu');
const only = arg('--only')?.split(',');
const epochs = Number(arg('--epochs') ?? (quick ? 1 : 4));
const jsonPath = arg('--json');
const trials = Number(arg('--trials') ?? (quick ? 1 : 3));
const SEED = 7;

const maxAbs = (a: ArrayLike<number>) => Array.from(a).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) =>
  Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
const fmt = (v: number | null, d = 1) => (v === null ? 'n/a' : v.toFixed(d));
const sec = (t0: number) => (performance.now() - t0) / 1000;

const gpu = await Gpu.acquire();
const adapter = adapterLabel(gpu.capabilities);
const tfjsLabel = await tfjsWebgpuReady();
const submitBatch = arg('--tfjs-submit-batch');
if (submitBatch) setTfjsFlag('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', Number(submitBatch));
const meta = {
  date: new Date().toISOString(),
  command: `deno run -A --no-check bench/train-bench.ts ${Deno.args.join(' ')}`.trim(),
  deno: Deno.version.deno,
  platform: `${Deno.build.os}-${Deno.build.arch}`,
  cpu: cpuInfo(),
  adapter,
  mesaVulkanDrivers: debianPackageVersion('mesa-vulkan-drivers'),
  adapterInfo: gpu.capabilities.adapter,
  tfjs: tfjsLabel,
  tfjsSubmitBatch: submitBatch ? Number(submitBatch) : 15,
  epochs,
  trials,
  loadAverageAtStart: loadAverage(),
  loadAverageAtEnd: '',
  config:
    'resolveTrainConfig defaults (linear head, batch 32, Adam θ lr 1e-4, Adam α lr 0.05, τ 1, 1 α step per θ step)',
};
console.log(`# train-bench: ${meta.date}`);
console.log(
  `adapter: ${adapter} (Mesa ${meta.mesaVulkanDrivers}); ${tfjsLabel}; CPU: ${meta.cpu}; Deno ${meta.deno}; load ${meta.loadAverageAtStart}`,
);

/** One timed search on a fresh engine (pipelines already compiled by the warm-up on this device). */
async function runOurs(bank: FeatureBank, cfg: TrainConfig) {
  const engine = await TrainEngine.create(gpu, bank, cfg);
  await gpu.device.queue.onSubmittedWorkDone(); // bank upload finished before the clock starts
  const before = snapshot();
  const t0 = performance.now();
  const out = await engine.search();
  const seconds = sec(t0);
  const counts = since(before);
  const stats = { ...engine.stats.search };
  const perKind = { ...engine.dispatchesPerStep };
  engine.release();
  return { out, seconds, counts, stats, perKind };
}

function runCpu(bank: FeatureBank, cfg: TrainConfig) {
  const ref = new ReferenceTrainer(bank, cfg, Float32Array);
  const t0 = performance.now();
  const out = ref.search();
  return { out, seconds: sec(t0) };
}

/** Median (of the middle two for an even count). */
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const rows: Row[] = [];
for (const w of WORKLOADS) {
  if (only && !only.includes(w.name)) continue;
  const t0 = performance.now();
  const bank = randomBank(SEED, { N: w.N, S: w.S, K: w.K, D: w.D, C: w.C });
  const cfg = resolveTrainConfig({ epochs, seed: SEED });
  const perEpoch = stepsPerEpoch(bank.split.train.length, cfg.batchSize) * (1 + cfg.exploreSteps);
  console.log(
    `\n## ${w.name}: ${w.what}; N=${w.N} (train ${bank.split.train.length}, valid ${bank.split.valid.length}), S=${w.S}, K=${w.K}, D=${w.D}, C=${w.C}; ${cfg.epochs} epoch(s) × ${perEpoch} steps; ${trials} trial(s) (bank built in ${sec(t0).toFixed(1)} s)`,
  );

  // Warm-ups: a 1-epoch search each compiles every pipeline / tfjs shader (caches are per device).
  const warmUp = async () => {
    const warm = await TrainEngine.create(gpu, bank, { ...cfg, epochs: 1 });
    await warm.search();
    warm.release();
  };
  await warmUp();
  const tfjs = new TfjsSearch(bank, cfg);
  await tfjs.upload();
  await tfjs.run({ ...cfg, epochs: 1 });

  // Trials interleaved (ours, tfjs, cpu, ours, …) so load from other processes hits all three alike.
  const oursRuns: Awaited<ReturnType<typeof runOurs>>[] = [];
  const tfjsRuns: Awaited<ReturnType<typeof tfjs.run>>[] = [];
  const cpuRuns: ReturnType<typeof runCpu>[] = [];
  for (let t = 0; t < trials; t++) {
    oursRuns.push(await runOurs(bank, cfg));
    tfjsRuns.push(await tfjs.run(cfg));
    if (!skipCpu) cpuRuns.push(runCpu(bank, cfg));
  }
  tfjs.dispose();

  const ours = oursRuns.at(-1)!;
  const oursSteps = ours.stats.steps;
  const oursSeconds = median(oursRuns.map((r) => r.seconds));
  const oursRate = oursSteps / oursSeconds;
  const last = cfg.epochs - 1;
  if (oursRuns.some((r) => maxAbsDiff(r.out.alpha, ours.out.alpha) !== 0))
    console.log('  note: our final α differed between trials (the engine should be deterministic)');
  rows.push({
    workload: w.name,
    impl: 'ours',
    label: 'ours (WGSL kernels, TrainEngine.search)',
    steps: oursSteps,
    seconds: oursSeconds,
    secondsPerTrial: oursRuns.map((r) => r.seconds),
    stepsPerSecond: oursRate,
    dispatchesPerStep: ours.counts.dispatches / oursSteps,
    dispatchesPerStepByKind: {
      exploit: ours.perKind.exploit ?? Number.NaN,
      explore: ours.perKind.explore ?? Number.NaN,
    },
    submitsPerStep: ours.counts.submits / oursSteps,
    bindGroupsPerStep: ours.counts.bindGroups / oursSteps,
    writeBuffersPerStep: ours.counts.writeBuffers / oursSteps,
    hostMsPerStep: null,
    readbacksDuringRun: ours.counts.readbacks,
    oursSpeedup: 1,
    alphaMaxAbsDiffVsOurs: 0,
    alphaMaxAbs: maxAbs(ours.out.alpha),
    finalTrainLoss: ours.out.trainLoss[last],
    finalValidLoss: ours.out.validLoss[last],
  });
  if (ours.stats.dispatches !== ours.counts.dispatches)
    console.log(
      `  note: engine.stats counted ${ours.stats.dispatches} dispatches, the wrapper ${ours.counts.dispatches}`,
    );

  const tj = tfjsRuns.at(-1)!;
  const tjSeconds = median(tfjsRuns.map((r) => r.seconds));
  const tjRate = tj.steps / tjSeconds;
  rows.push({
    workload: w.name,
    impl: 'tfjs-webgpu',
    label: 'tfjs-backend-webgpu (same maths, same draws)',
    steps: tj.steps,
    seconds: tjSeconds,
    secondsPerTrial: tfjsRuns.map((r) => r.seconds),
    stepsPerSecond: tjRate,
    dispatchesPerStep: tj.counts.dispatches / tj.steps,
    dispatchesPerStepByKind: tj.dispatchesPerStep,
    submitsPerStep: tj.counts.submits / tj.steps,
    bindGroupsPerStep: tj.counts.bindGroups / tj.steps,
    writeBuffersPerStep: tj.counts.writeBuffers / tj.steps,
    hostMsPerStep: (1000 * median(tfjsRuns.map((r) => r.hostSeconds))) / tj.steps,
    readbacksDuringRun: tj.counts.readbacks,
    oursSpeedup: oursRate / tjRate,
    alphaMaxAbsDiffVsOurs: maxAbsDiff(tj.alpha, ours.out.alpha),
    alphaMaxAbs: maxAbs(tj.alpha),
    finalTrainLoss: tj.trainLoss[last],
    finalValidLoss: tj.validLoss[last],
  });

  if (cpuRuns.length) {
    const cpu = cpuRuns.at(-1)!;
    const steps = oursSteps; // the same schedule
    const cpuSeconds = median(cpuRuns.map((r) => r.seconds));
    const rate = steps / cpuSeconds;
    const n = stepsPerEpoch(bank.split.train.length, cfg.batchSize) * cfg.batchSize;
    rows.push({
      workload: w.name,
      impl: 'cpu-f32',
      label: 'CPU float32 loop (ReferenceTrainer, Float32Array)',
      steps,
      seconds: cpuSeconds,
      secondsPerTrial: cpuRuns.map((r) => r.seconds),
      stepsPerSecond: rate,
      dispatchesPerStep: null,
      dispatchesPerStepByKind: null,
      submitsPerStep: null,
      bindGroupsPerStep: null,
      writeBuffersPerStep: null,
      hostMsPerStep: null,
      readbacksDuringRun: null,
      oursSpeedup: oursRate / rate,
      alphaMaxAbsDiffVsOurs: maxAbsDiff(cpu.out.alpha, ours.out.alpha),
      alphaMaxAbs: maxAbs(cpu.out.alpha),
      finalTrainLoss: cpu.out.trainLoss[last] / n,
      finalValidLoss: cpu.out.validLoss[last] / (n * cfg.exploreSteps),
    });
  }
  for (const r of rows.filter((r) => r.workload === w.name))
    console.log(
      `  ${r.impl.padEnd(11)} ${r.steps} steps in ${r.seconds.toFixed(2)} s (median; trials ${r.secondsPerTrial.map((x) => x.toFixed(2)).join(', ')}) = ${r.stepsPerSecond.toFixed(1)} steps/s; ` +
        `dispatches/step ${fmt(r.dispatchesPerStep)}${r.hostMsPerStep === null ? '' : ` (host ${r.hostMsPerStep.toFixed(2)} ms/step issuing them)`}; |α|max ${r.alphaMaxAbs.toFixed(4)}, |Δα| vs ours ${fmt(r.alphaMaxAbsDiffVsOurs, 6)}; ` +
        `last-epoch loss θ ${r.finalTrainLoss.toFixed(5)} α ${r.finalValidLoss.toFixed(5)}`,
    );
}

/** Same work: α agrees with ours to fp32 error (same schedule, same random streams). */
function agreement(r: Row): string {
  if (r.impl === 'ours' || r.alphaMaxAbsDiffVsOurs === null) return '—';
  const tol = 1e-3 + 1e-2 * r.alphaMaxAbs;
  return r.alphaMaxAbsDiffVsOurs <= tol
    ? `yes (${r.alphaMaxAbsDiffVsOurs.toExponential(1)})`
    : `NO (${r.alphaMaxAbsDiffVsOurs.toExponential(1)})`;
}

const header =
  '| workload | implementation | steps | s | steps/s | dispatches/step (θ / α step) | submits/step | bind groups/step | writeBuffer/step | readbacks in loop | ours is N× faster | same final α as ours (max abs diff) |';
const lines = [
  header,
  '|---|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---|',
  ...rows.map(
    (r) =>
      `| ${[
        r.workload,
        r.label,
        r.steps,
        r.seconds.toFixed(2),
        r.stepsPerSecond.toFixed(1),
        r.dispatchesPerStep === null
          ? 'n/a (CPU)'
          : `${fmt(r.dispatchesPerStep)} (${fmt(r.dispatchesPerStepByKind?.exploit ?? null)} / ${fmt(r.dispatchesPerStepByKind?.explore ?? null)})`,
        fmt(r.submitsPerStep, 2),
        fmt(r.bindGroupsPerStep),
        fmt(r.writeBuffersPerStep),
        r.readbacksDuringRun === null
          ? 'n/a'
          : r.impl.startsWith('ours')
            ? `${r.readbacksDuringRun} (end of phase)`
            : String(r.readbacksDuringRun),
        r.impl === 'ours' ? '1' : `${r.oursSpeedup.toFixed(2)}×`,
        agreement(r),
      ].join(' | ')} |`,
  ),
];
console.log(`\n${lines.join('\n')}`);
const summary = WORKLOADS.filter((w) => !only || only.includes(w.name)).map((w) => {
  const r = rows.filter((x) => x.workload === w.name);
  const tj = r.find((x) => x.impl === 'tfjs-webgpu');
  const cpu = r.find((x) => x.impl === 'cpu-f32');
  return {
    workload: w.name,
    oursOverTfjs: tj?.oursSpeedup ?? null,
    oursOverCpu: cpu?.oursSpeedup ?? null,
    target3xMet: tj ? tj.oursSpeedup >= 3 : null,
  };
});
console.log('\nours ÷ tfjs-webgpu (target ≥ 3×):');
for (const s of summary)
  console.log(
    `  ${s.workload}: ${fmt(s.oursOverTfjs, 2)}× vs tfjs, ${fmt(s.oursOverCpu, 2)}× vs CPU f32 — target ${s.target3xMet ? 'met' : 'NOT met'}`,
  );
meta.loadAverageAtEnd = loadAverage();
console.log(`load average (1/5/15 min): start ${meta.loadAverageAtStart}, end ${meta.loadAverageAtEnd}`);
const json = { meta, workloads: WORKLOADS.filter((w) => !only || only.includes(w.name)), rows, summary };
console.log(`\n${JSON.stringify(json)}`);
if (jsonPath) await Deno.writeTextFile(jsonPath, `${JSON.stringify(json, null, 2)}\n`);
gpu.destroy();
Deno.exit(0);
