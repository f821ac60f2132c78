/**
 * `autogenda run`: the whole pipeline on a folder of class sub-folders, headless on Deno's WebGPU,
 * with the file-system store under --out/.store: every finished item is kept, so re-running the same
 * command continues where it stopped and a finished run recomputes nothing (the tally says so).
 */
import { AutoGenDAError, ConfigError, WebGPUUnavailableError } from '../../core/errors.ts';
import { adapterLabel } from '../../gpu/capabilities.ts';
import { Gpu } from '../../gpu/device.ts';
import { denoFolderSource } from '../../models/folder.ts';
import type { EpRequest } from '../../ort/ep.ts';
import { comparisonLine, methodsBlock } from '../../pipeline/export/methods.ts';
import { formatModelCalls, formatModelChecks, formatRestarts } from '../../pipeline/export/report.ts';
import { writeFolder } from '../../pipeline/export/write.ts';
import { buildExports, PLUMBING_WARNING } from '../../pipeline/export-run.ts';
import { jsDecoder } from '../../pipeline/import/decode-js.ts';
import { folderSource } from '../../pipeline/import/folder.ts';
import { denoWalker } from '../../pipeline/import/folder-deno.ts';
import { openStages } from '../../pipeline/open-stages.ts';
import { writePlan } from '../../pipeline/plan-file.ts';
import { RunStopped, STOP_STAGES, type StopStage } from '../../pipeline/run-stop.ts';
import { type PipelineSettings, resolveSettings } from '../../pipeline/settings.ts';
import { RUN_SETTINGS } from '../../pipeline/settings-schema.ts';
import { formatShard, parseShard, type Shard } from '../../pipeline/shard.ts';
import { profileRuns, runSweep, sweepTally } from '../../pipeline/sweep.ts';
import { formatTally, totalComputed } from '../../pipeline/tally.ts';
import { parseEmbeddingFile, type TokenEmbedding } from '../../stages/img2img/ti-file.ts';
import { openFsStore } from '../../storage/fs.ts';
import { denoFs } from '../../storage/fs-deno.ts';
import { METHODS } from '../../train/method-registry.ts';
import { formatFlags, parseArgs, UsageError } from '../args.ts';
import { type CliIO, type Command, EXIT } from '../command.ts';
import { defaultEp } from '../default-ep.ts';
import { progressBar } from '../progress-bar.ts';
import { settingFlags, settingsFromFlags } from '../settings-flags.ts';
import { RESTARTS_FLAG, restartsFlag } from '../supervise/restart-policy.ts';
import { superviseRun } from '../supervise/supervisor.ts';
import { runWorker } from '../supervise/worker.ts';
import { TRAIN_FLAGS, trainConfigFrom } from '../train-flags.ts';
import { writeZipFile } from '../zip-file.ts';

const FLAGS = {
  data: { type: 'string', value: 'DIR', help: 'dataset: a folder with one sub-folder of images per class' },
  out: { type: 'string', value: 'DIR', help: 'outputs, and the resumable cache in DIR/.store' },
  models: {
    type: 'string',
    value: 'DIR',
    help: 'models folder with fixtures.json or models.json (autogenda fixtures --out DIR writes one)',
  },
  ...settingFlags(RUN_SETTINGS),
  ti: {
    type: 'string',
    value: 'PATH',
    help: 'textual-inversion embeddings: a .safetensors/.json file or a folder of them, one token per class',
  },
  ep: {
    type: 'string',
    value: 'auto|webgpu|wasm',
    help: 'ONNX Runtime provider for the models (default: webgpu on a hardware adapter, wasm on a software one)',
  },
  restarts: RESTARTS_FLAG,
  shard: {
    type: 'string',
    value: 'I/N',
    help: 'compute only shard I of N of every model stage into the shared --out, then stop before training (Slurm: $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT); see docs/CLUSTER.md',
  },
  until: {
    type: 'string',
    value: STOP_STAGES.join('|'),
    help: "stop after this stage, before training (a sharded run's first phase: --until caption)",
  },
  ...TRAIN_FLAGS,
} as const;

// Only what this file uses; tsconfig type-checks src against the DOM libs, not Deno's.
declare const Deno: {
  readTextFile(p: string): Promise<string>;
  readFile(p: string): Promise<Uint8Array>;
  stat(p: string): Promise<{ isDirectory: boolean }>;
  readDir(p: string): AsyncIterable<{ name: string; isFile: boolean }>;
  writeFile(p: string, d: Uint8Array): Promise<void>;
  mkdir(p: string, o: { recursive: boolean }): Promise<void>;
  exit(code: number): never;
};

const EPS = ['auto', 'webgpu', 'wasm'];

/** One help line per registry method, with its one-line description. */
function methodLines(): string[] {
  const names = Object.keys(METHODS);
  const w = Math.max(...names.map((n) => n.length));
  return names.map((n) => `  ${n.padEnd(w)}  ${METHODS[n].about}`);
}

/** A bad flag value (profile, strength…) is a command-line error: exit 64 with the usage hint. */
function usage<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message);
    throw e;
  }
}

/** --ti: one embeddings file, or every .safetensors / .json / .bin / .pt file of a folder (sorted). */
async function readTiFiles(path: string): Promise<TokenEmbedding[]> {
  const p = path.replace(/[/\\]+$/, '');
  const info = await Deno.stat(p).catch(() => {
    throw new ConfigError(`--ti ${path}: no such file or folder`);
  });
  const files: string[] = [];
  if (info.isDirectory) {
    for await (const e of Deno.readDir(p)) {
      if (e.isFile && /\.(safetensors|json|bin|pt)$/i.test(e.name)) files.push(`${p}/${e.name}`);
    }
    if (files.length === 0)
      throw new ConfigError(`--ti ${path}: the folder holds no .safetensors or .json file`);
  } else files.push(p);
  const out: TokenEmbedding[] = [];
  for (const f of files.sort()) out.push(...parseEmbeddingFile(await Deno.readFile(f), f));
  return out;
}

/** The end of a run that stopped before training: what it did, and what to run next. */
function stopped(e: RunStopped, shard: Shard | undefined, out: string, io: CliIO): number {
  const who = shard ? `shard ${formatShard(shard)}` : 'run';
  io.out(`cache: ${formatTally(e.tally)}`);
  io.out(`computed ${totalComputed(e.tally)} items; model calls: ${formatModelCalls(e.modelCalls)}`);
  if (e.waiting > 0) {
    io.err(
      `${who}: waiting after ${e.stage}: ${e.waiting} caption(s) of other shards are not in the store yet; ` +
        `run this shard again once they are (a first phase with --until caption does them; autogenda status --out ${out})`,
    );
    return EXIT.WAITING;
  }
  io.out(
    shard
      ? `${who}: done up to ${e.stage}; once every shard is, the same command without --shard trains and exports (autogenda status --out ${out})`
      : `${who}: stopped after ${e.stage} as asked (--until); the same command without --until continues`,
  );
  return EXIT.OK;
}

export function makeRun(): Command {
  const run: Command = {
    name: 'run',
    summary: 'Run the whole AutoGenDA pipeline on a dataset folder, headless (resumable)',
    usage: [
      'Usage: autogenda run --data DIR --out DIR --models DIR [--profile imbalanced:0.1|lowshot:4|full[,…]]',
      '       [--methods a,b] [--seeds N] [--epochs N] [--k-local N] [--k-transfer N] [--strength X] [--steps N]',
      '',
      'import → split → caption → neighbours → candidates (img2img) → features → policy search → final',
      'training → evaluation → export. Writes into --out: images/ + metadata.jsonl (the augmented dataset),',
      'dataset.zip (the same), policy.json, metrics.json, report.md/json and classifier.onnx. Every item',
      'is cached in --out/.store: re-running the same command continues and recomputes nothing finished.',
      'The work runs in a worker process: if it crashes (a signal such as SIGSEGV, or SIGKILL from the',
      'out-of-memory killer), one line names the signal, the stage and the items kept, and a new worker',
      'continues from the store, up to --restarts times in a row without progress (0 = off).',
      'On a cluster: --shard I/N computes one share of every model stage into a shared --out and stops;',
      'the same command without --shard then trains and exports (docs/CLUSTER.md).',
      'Exit codes: 0 done, 1 failed (the message says why), 3 no usable WebGPU, 64 bad command line,',
      '75 a shard waits on captions other shards have not stored yet (run it again once they have),',
      '128 + n the worker died by signal n and was not restarted (139 SIGSEGV, 137 SIGKILL; 130 Ctrl+C twice).',
      '',
      'Options:',
      ...formatFlags(FLAGS),
      '',
      'Methods (--methods):',
      ...methodLines(),
    ].join('\n'),
    run: async ({ argv, io }) => {
      const { flags, positionals } = parseArgs(argv, FLAGS);
      if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
      if (!flags.data) throw new UsageError('--data DIR is required');
      if (!flags.out) throw new UsageError('--out DIR is required');
      if (!flags.models) {
        throw new UsageError('--models DIR is required (offline test models: autogenda fixtures --out DIR)');
      }
      if (flags.ep !== undefined && !EPS.includes(flags.ep))
        throw new UsageError(`--ep must be one of ${EPS.join(', ')}`);
      // every setting's flag, default and limits come from its one declaration (settings-schema.ts)
      const settings = usage(() =>
        resolveSettings({
          ...(settingsFromFlags(RUN_SETTINGS, flags) as Partial<PipelineSettings>),
          train: trainConfigFrom(flags),
        }),
      );
      const shard = flags.shard === undefined ? undefined : usage(() => parseShard(flags.shard as string));
      if (flags.until !== undefined && !(STOP_STAGES as readonly string[]).includes(flags.until))
        throw new UsageError(`--until must be one of ${STOP_STAGES.join(', ')}, not '${flags.until}'`);
      const until = flags.until as StopStage | undefined;
      const out = flags.out.replace(/[/\\]+$/, '') || '.';
      // The work happens in a worker process that a supervisor restarts after a crash (src/cli/supervise).
      const maxRestarts = restartsFlag(flags.restarts);
      const worker = runWorker(out);
      if (!worker) return await superviseRun({ out, maxRestarts, io });
      const modelsDir = flags.models.replace(/[/\\]+$/, '') || '.';
      const embeddings = flags.ti === undefined ? undefined : await readTiFiles(flags.ti);
      const chosen = flags.ep === undefined ? await defaultEp() : { ep: flags.ep as EpRequest };
      if (chosen.note) io.err(`note: ${chosen.note}`);
      const stages = await openStages(
        {
          readText: (p) => Deno.readTextFile(`${modelsDir}/${p}`).catch(() => undefined),
          folder: (d) => denoFolderSource(`${modelsDir}/${d}`),
        },
        modelsDir,
        { ep: chosen.ep, embeddings },
      );
      if (stages.plumbingOnly) io.err(`*** ${PLUMBING_WARNING} ***`);
      io.err(
        `models: ${Object.entries(stages.ids)
          .map(([t, id]) => `${t} ${id}`)
          .join(', ')}`,
      );
      const store = await openFsStore(denoFs, `${out}/.store`);
      let gpu: Gpu | undefined;
      // A lost device is replaced by a fresh one; the pipeline retries the interrupted item on it.
      const acquire = async () => {
        if (!gpu || gpu.lost) {
          if (gpu?.lost) io.err('the GPU device was lost: acquiring a new one and continuing');
          gpu = await Gpu.acquire().catch((e) => {
            throw e instanceof AutoGenDAError ? e : new WebGPUUnavailableError(String(e));
          });
          io.err(`adapter: ${adapterLabel(gpu.capabilities)}`);
        }
        return gpu;
      };
      // First Ctrl+C: stop at the next item (everything finished stays stored); a later one: stop now.
      // The supervisor tells the presses apart and relays them (worker.ts, PRESS_SIGNALS).
      const ac = new AbortController();
      const offPresses = worker.onPresses(
        () => {
          io.err('cancelling after the current item (Ctrl+C again to stop at once)…');
          ac.abort();
        },
        () => Deno.exit(130),
      );
      const bar = io.status ? progressBar(io.status.bind(io)) : undefined;
      try {
        const sweep = await runSweep(
          {
            source: await folderSource(flags.data.replace(/[/\\]+$/, ''), denoWalker),
            decoder: jsDecoder,
            store,
            stages,
            settings,
            gpu: acquire,
            signal: ac.signal,
            shard,
            until,
            // every stage's item list, for `autogenda status` (the same in every shard)
            onPlan: (plan) => writePlan(denoFs, out, { ...plan, shards: shard?.count ?? null }),
            onProgress: (p) => {
              worker.stage(p.stage);
              bar?.(p);
            },
          },
          (profile, i, n) => {
            if (n > 1) io.err(`profile ${i + 1} of ${n}: ${profile}`);
          },
        );
        // the first profile is exported; the report compares every profile's runs
        const result = sweep[0].result;
        for (const s of result.imported.skipped) io.err(`skipped ${s.path}: ${s.reason}`);
        for (const w of result.split.warnings) io.err(`warning: ${w}`);
        for (const n of result.notes) io.err(`note: ${n}`);
        // training is over: the device's memory goes before the export (host memory on a software adapter)
        gpu?.destroy();
        gpu = undefined;
        worker.stage('export');
        const ex = await buildExports(result, stages, store, settings, { restarts: worker.restarts, sweep });
        const enc = new TextEncoder();
        const fs = { writeFile: Deno.writeFile, mkdir: Deno.mkdir };
        await writeFolder(ex.files, out, fs);
        await writeZipFile(`${out}/dataset.zip`, ex.files);
        await Deno.writeFile(`${out}/metrics.json`, enc.encode(`${JSON.stringify(ex.metrics, null, 2)}\n`));
        await Deno.writeFile(`${out}/classifier.onnx`, ex.classifier);
        const best = result.runs[0];
        io.out(
          `method ${best.method} (seed ${best.seed}): top-1 ${(100 * best.metrics.top1).toFixed(2)}%, mean per-class ${(100 * best.metrics.meanClassAcc).toFixed(2)}% on ${best.metrics.count} test images`,
        );
        io.out(comparisonLine(methodsBlock(profileRuns(sweep), settings.seeds)));
        io.out(`cache: ${formatTally(sweepTally(sweep.map((r) => r.result)))}`);
        io.out(`computed ${totalComputed(sweepTally(sweep.map((r) => r.result)))} items`);
        if (worker.restarts.length)
          io.out(`restarts after a crash: ${worker.restarts.length} (${formatRestarts(worker.restarts)})`);
        const g = result.generation;
        io.out(
          `img2img: strength ${g.strength}, ${g.steps} steps, guidance ${g.guidance > 1 ? g.guidance : 'off'}; ${result.tally.candidates?.computed ?? 0} candidates generated; model calls: ${formatModelCalls(result.modelCalls)}`,
        );
        io.out(
          `wrote ${out}/policy.json, metrics.json, report.md, report.json, metadata.jsonl, images/, dataset.zip, classifier.onnx`,
        );
        const checks = stages.modelChecks;
        if (checks && Object.values(checks).some((c) => !c?.passed)) {
          io.err(
            `models check: ${formatModelChecks(checks)} (autogenda models check --models ${modelsDir} measures them)`,
          );
        }
        if (stages.plumbingOnly) io.out(`*** ${PLUMBING_WARNING} ***`);
        return EXIT.OK;
      } catch (e) {
        if (e instanceof RunStopped) return stopped(e, shard, out, io);
        if (e instanceof WebGPUUnavailableError) {
          io.err(`autogenda run: ${e.message}`);
          return EXIT.UNUSABLE;
        }
        throw e;
      } finally {
        offPresses();
        await store.close();
        await stages.dispose();
        gpu?.destroy();
      }
    },
  };
  return Object.freeze(run);
}
