/**
 * Search → final train → evaluate for every method × seed (runMethod on the GPU), each run cached
 * under (its sub-bank's key, method, seed, training config) with its final head, so a re-run trains
 * nothing and still exports the same classifier. The sub-bank key names only the features the method
 * draws from (keyFor), so a source added to the run for another method leaves this run cached.
 */
import { DeviceLostError } from '../core/errors.ts';
import type { StageProgress } from '../core/progress.ts';
import type { Gpu } from '../gpu/device.ts';
import type { JsonObject, JsonValue } from '../storage/store.ts';
import type { TrainBank } from '../train/bank-rows.ts';
import { BankRowsGpu, defaultBankBudget, rowBytes } from '../train/bank-rows-gpu.ts';
import type { TrainConfig } from '../train/config.ts';
import type { DenseParams } from '../train/head-init.ts';
import { parseMethodDef, resolveMethod } from '../train/method-registry.ts';
import { runMethod } from '../train/run-method.ts';
import { bankTrainCounts, selectSources } from '../train/sub-bank.ts';
import { checkCancelled } from './cancel.ts';
import { itemKey } from './keys.ts';
import { bytesF32, type MemoContext, memo } from './memo.ts';

export interface RunOutcome {
  method: string;
  seed: number;
  classes: string[];
  sources: string[];
  probs: number[][];
  /** Search methods: the policy after each search epoch, [epoch][class][source]; [] otherwise. */
  history: number[][][];
  metrics: {
    top1: number;
    meanClassAcc: number;
    perClass: (number | null)[];
    confusion: number[][];
    count: number;
  };
  head: DenseParams[];
}

export interface TrainRunsOptions {
  methods: readonly string[];
  seeds: readonly number[];
  train: TrainConfig;
  /** Acquired only when some run is not cached; after a device loss it must return a new device. */
  gpu: () => Promise<Gpu>;
  onProgress?: (p: StageProgress) => void;
  signal?: AbortSignal;
  /**
   * GPU bytes the bank's training rows may take (default: defaultBankBudget of the device). Within it the rows are uploaded
   * once for the whole run; beyond it each run streams its sample windows' rows (the engine's
   * residentBytes). Results are the same either way.
   */
  gpuBudgetBytes?: number;
}

function packHead(head: readonly DenseParams[]): Uint8Array {
  const total = head.reduce((a, l) => a + l.w.length + l.b.length, 0);
  const out = new Float32Array(total);
  let at = 0;
  for (const l of head) {
    out.set(l.w, at);
    out.set(l.b, at + l.w.length);
    at += l.w.length + l.b.length;
  }
  return new Uint8Array(out.buffer);
}

function unpackHead(shapes: { R: number; Cin: number }[], data: Uint8Array): DenseParams[] {
  const f = bytesF32(data);
  let at = 0;
  return shapes.map(({ R, Cin }) => {
    const w = f.slice(at, at + R * Cin);
    const b = f.slice(at + R * Cin, at + R * Cin + R);
    at += R * Cin + R;
    return { R, Cin, w, b };
  });
}

/** Device losses tolerated per training run before giving up. */
const MAX_DEVICE_LOSSES = 2;

/**
 * Runs `work` on the current device; if the device is lost meanwhile, re-acquires one and runs it again
 * from the start (a run is one cached item, deterministic per seed, so nothing is mixed from two devices).
 */
export async function onLiveDevice<T>(
  acquire: () => Promise<Gpu>,
  work: (gpu: Gpu) => Promise<T>,
): Promise<T> {
  for (let losses = 0; ; losses++) {
    const gpu = await acquire();
    try {
      return await work(gpu);
    } catch (e) {
      const lost = e instanceof DeviceLostError || gpu.lost;
      if (!lost || losses >= MAX_DEVICE_LOSSES) throw e;
    }
  }
}

/**
 * The bank's rows on the device, uploaded once for all methods × seeds of a run (a method's sub-bank is
 * an index into them) and again only on a new device after a loss; none when they exceed the GPU
 * budget (each run then streams its windows' rows).
 */
function sharedRows(bank: TrainBank, precision: TrainConfig['bankPrecision'], budget?: number) {
  let held: { gpu: Gpu; rows: BankRowsGpu } | undefined;
  const bytes = BankRowsGpu.placedRows(bank) * rowBytes(bank.D, precision);
  return {
    async on(gpu: Gpu): Promise<BankRowsGpu | undefined> {
      if (bytes > (budget ?? defaultBankBudget(gpu))) return undefined;
      if (held?.gpu !== gpu) {
        held?.rows.release();
        held = undefined;
        held = { gpu, rows: await BankRowsGpu.upload(gpu, bank, { precision }) };
      }
      return held.rows;
    },
    release: () => held?.rows.release(),
  };
}

export async function trainRuns(
  ctx: MemoContext,
  bank: TrainBank,
  keyFor: (sources: readonly string[]) => Promise<string>,
  o: TrainRunsOptions,
): Promise<RunOutcome[]> {
  const rows = sharedRows(bank, o.train.bankPrecision, o.gpuBudgetBytes);
  try {
    return await trainEach(ctx, bank, keyFor, o, rows.on);
  } finally {
    rows.release();
  }
}

async function trainEach(
  ctx: MemoContext,
  bank: TrainBank,
  /** The key of the bank restricted to these sources (a method's, identity first). */
  keyFor: (sources: readonly string[]) => Promise<string>,
  o: TrainRunsOptions,
  rowsOn: (gpu: Gpu) => Promise<BankRowsGpu | undefined>,
): Promise<RunOutcome[]> {
  const out: RunOutcome[] = [];
  // every name is checked against the bank before the first run trains
  const trainCounts = bankTrainCounts(bank);
  const resolved = new Map(
    o.methods.map((name) => [
      name,
      resolveMethod(parseMethodDef(name), bank.sources, trainCounts, bank.classes),
    ]),
  );
  const total = o.methods.length * o.seeds.length;
  for (const name of o.methods) {
    for (const seed of o.seeds) {
      checkCancelled(o.signal);
      // Search and training report steps per run; tagged with the run, the stage bars never go backwards.
      const part = { index: out.length, count: total };
      const message = `${name}, seed ${seed} (run ${part.index + 1} of ${total})`;
      const ended = new Set<StageProgress['stage']>();
      const tagged = (p: StageProgress): StageProgress => {
        if (p.done >= p.total) ended.add(p.stage);
        return { ...p, part, message };
      };
      const mark = (done: number) => {
        for (const stage of ['search', 'train'] as const) {
          if (!ended.has(stage)) o.onProgress?.(tagged({ type: 'stage', stage, done, total: 1 }));
        }
      };
      mark(0);
      const cfg = { ...o.train, seed };
      const key = await itemKey('run', {
        bank: await keyFor((resolved.get(name) as ReturnType<typeof resolveMethod>).def.sources),
        method: name,
        cfg: JSON.parse(JSON.stringify(cfg)) as JsonValue,
      });
      const item = await memo(ctx, 'train', 'runs', key, async () => {
        const m = resolved.get(name) as ReturnType<typeof resolveMethod>;
        const sub = selectSources(bank, m.sourceIndex);
        const r = await onLiveDevice(o.gpu, async (gpu) =>
          runMethod(gpu, sub, m.spec, cfg, {
            onProgress: (p) => o.onProgress?.(p.type === 'stage' ? tagged(p) : p),
            signal: o.signal,
            rows: await rowsOn(gpu),
            residentBytes: o.gpuBudgetBytes ?? defaultBankBudget(gpu),
          }),
        );
        const meta = {
          method: r.method,
          seed,
          classes: r.classes,
          sources: r.sources,
          probs: r.probs,
          history: r.history.search.map((h) => h.probs),
          metrics: r.metrics,
          headShapes: r.head.map((l) => ({ R: l.R, Cin: l.Cin })),
        };
        return { meta: JSON.parse(JSON.stringify(meta)) as JsonObject, data: packHead(r.head) };
      });
      const m = item.meta as unknown as Omit<RunOutcome, 'head'> & {
        headShapes: { R: number; Cin: number }[];
      };
      out.push({
        method: m.method,
        seed: m.seed,
        classes: m.classes,
        sources: m.sources,
        probs: m.probs,
        history: m.history ?? [], // runs cached before the history was kept
        metrics: m.metrics,
        head: unpackHead(m.headShapes, item.data ?? new Uint8Array()),
      });
      mark(1); // ends what the run did not report itself (a fixed policy's search, a cached run)
    }
  }
  return out;
}
