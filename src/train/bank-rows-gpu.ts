/**
 * A bank's unique feature rows on the GPU, uploaded once and shared by every method trained on the bank
 * (a method's sub-bank is an index into the same rows). Rows are placed sample by sample, so each sample's
 * rows sit in one chunk; chunks each fit one storage binding (maxStorageBufferBindingSize, maxBufferSize;
 * 128 MiB on many adapters), and the gathers run once per chunk. Rows are f32, or f16 packed two per
 * u32 word (ceil(D/2) words a row; converted on the CPU, src/train/f16.ts) to halve the memory.
 */
import { LimitTooLowError } from '../core/errors.ts';
import { STORAGE } from '../gpu/buffers.ts';
import type { Gpu } from '../gpu/device.ts';
import { type BankMeta, bankIndex } from './bank.ts';
import { gatherRows, isStreamed, rowSource, type TrainBank } from './bank-rows.ts';
import { type BankPrecision, DEFAULT_TRAIN_CONFIG } from './config.ts';
import { f16RowWords, packRowsF16 } from './f16.ts';

/** Rows per staged upload slice (4 MiB of f32 at D = 2048): writeBuffer stages its bytes until the next submit. */
const UPLOAD_SLICE_FLOATS = 2 ** 20;
/** Slices staged before waiting for their copies to finish. */
const SLICES_IN_FLIGHT = 2;

/** Samples [start, end) whose rows are GPU rows [rowStart, rowEnd) of the whole upload. */
export interface Chunk {
  buffer: GPUBuffer;
  start: number;
  end: number;
  rowStart: number;
  rowEnd: number;
}

export interface UploadOptions {
  /** f16 or f32 rows (default: the training default, DEFAULT_TRAIN_CONFIG.bankPrecision). */
  precision?: BankPrecision;
  /** Cap on a chunk's bytes below the device limit (tests force several chunks with it). */
  chunkBytes?: number;
  /**
   * The samples whose rows to place (default: the bank's train ∪ valid, the samples a pool can draw; test
   * samples are never gathered, evaluation reads their f32 rows from the source). Others get no rows.
   */
  samples?: readonly number[];
}

/** train ∪ valid: the samples training can draw. */
const drawable = (bank: BankMeta) => [...bank.split.train, ...bank.split.valid];

/** Bytes of one stored row of D features. */
export const rowBytes = (D: number, precision: BankPrecision): number =>
  precision === 'f16' ? 4 * f16RowWords(D) : 4 * D;

/**
 * GPU bytes a run lets its bank's rows take before it streams sample windows instead (results do not
 * depend on it). A software adapter's GPU memory is host memory, so there it is small (issue 14: a run's
 * memory should not grow with the dataset); WebGPU does not tell a hardware GPU's memory size, so there
 * it is a size most GPUs hold beside the models.
 */
export function defaultBankBudget(gpu: Gpu): number {
  return gpu.capabilities.adapter?.fallback ? 256 * 2 ** 20 : 2 * 2 ** 30;
}

export class BankRowsGpu {
  private constructor(
    readonly gpu: Gpu,
    readonly N: number,
    readonly D: number,
    readonly precision: BankPrecision,
    /** GPU row → source row. */
    readonly order: Uint32Array,
    /** GPU rows of sample n: [sampleStart[n], sampleStart[n + 1]). */
    readonly sampleStart: Uint32Array,
    readonly chunks: Chunk[],
  ) {}

  /** Elements of the `feats` binding (f32, or u32 holding two halves) per row: the gathers' `shape.stride`. */
  get stride(): number {
    return rowBytes(this.D, this.precision) / 4;
  }

  /** Rows per chunk under the device's binding limits (`capBytes` lowers it: tests force several chunks). */
  static rowsPerChunk(gpu: Gpu, D: number, precision: BankPrecision, capBytes?: number): number {
    const limit = Math.min(
      gpu.limits.maxStorageBufferBindingSize,
      gpu.limits.maxBufferSize,
      capBytes ?? Number.POSITIVE_INFINITY,
    );
    return Math.floor(limit / rowBytes(D, precision));
  }

  /** Upload the rows `bank` uses (each once per sample), reading them from its array or its source. */
  static async upload(gpu: Gpu, bank: TrainBank, opts: UploadOptions = {}): Promise<BankRowsGpu> {
    const source = rowSource(bank);
    const precision = opts.precision ?? DEFAULT_TRAIN_CONFIG.bankPrecision;
    const rows = BankRowsGpu.place(gpu, bank, precision, opts.samples ?? drawable(bank), opts.chunkBytes);
    const stride = rows.stride;
    const slice = Math.max(1, Math.floor(UPLOAD_SLICE_FLOATS / bank.D));
    let slices = 0;
    try {
      for (const c of rows.chunks) {
        for (let at = c.rowStart; at < c.rowEnd; at += slice) {
          const ids = rows.order.subarray(at, Math.min(c.rowEnd, at + slice));
          // an in-memory bank is copied at once; a streamed one is read a slice at a time
          const data = isStreamed(bank) ? await source.read(ids) : gatherRows(bank.features, bank.D, ids);
          if (data.length !== ids.length * bank.D)
            throw new Error(`bank rows: read ${data.length} values for ${ids.length} rows of ${bank.D}`);
          // f16: rounded on the CPU (WGSL's pack2x16float rounding is implementation-defined)
          const stored = precision === 'f16' ? packRowsF16(data, ids.length, bank.D, ids) : data;
          gpu.device.queue.writeBuffer(c.buffer, 4 * (at - c.rowStart) * stride, stored);
          gpu.device.queue.submit([]);
          // a staged slice is freed only once its copy is done: without waiting, the whole bank sat in
          // staging memory once more at the start of training (issue 14's memory figures)
          if (++slices % SLICES_IN_FLIGHT === 0) await gpu.device.queue.onSubmittedWorkDone();
        }
      }
    } catch (e) {
      rows.release();
      throw e;
    }
    return rows;
  }

  /** Rows a sample-major placement of `samples` holds (each sample's distinct rows; shared across samples: repeated). */
  static placedRows(bank: BankMeta, samples: readonly number[] = drawable(bank)): number {
    const { S, K } = bank;
    const index = bankIndex(bank);
    let rows = 0;
    for (const n of new Set(samples)) rows += new Set(index.subarray(n * S * K, (n + 1) * S * K)).size;
    return rows;
  }

  /** Sample-major placement of the given samples' rows and the chunk buffers (not yet written). */
  private static place(
    gpu: Gpu,
    bank: BankMeta,
    precision: BankPrecision,
    samples: readonly number[],
    chunkBytes?: number,
  ): BankRowsGpu {
    const { N, S, K, D } = bank;
    const index = bankIndex(bank);
    const placed = new Uint8Array(N);
    for (const n of samples) placed[n] = 1;
    const order: number[] = [];
    const sampleStart = new Uint32Array(N + 1);
    for (let n = 0; n < N; n++) {
      sampleStart[n] = order.length;
      if (!placed[n]) continue; // an empty range: never drawn
      const seen = new Set<number>();
      for (const r of index.subarray(n * S * K, (n + 1) * S * K)) {
        if (!seen.has(r)) order.push(r);
        seen.add(r);
      }
    }
    sampleStart[N] = order.length;
    const per = BankRowsGpu.rowsPerChunk(gpu, D, precision, chunkBytes);
    const bytes = rowBytes(D, precision);
    const chunks: Chunk[] = [];
    for (let start = 0; start < N; ) {
      let end = start;
      while (end < N && sampleStart[end + 1] - sampleStart[start] <= per) end++;
      const need = sampleStart[start + 1] - sampleStart[start];
      if (end === start)
        throw new LimitTooLowError(
          'maxStorageBufferBindingSize',
          per * bytes,
          need * bytes,
          'to hold one sample’s features',
        );
      const rowStart = sampleStart[start];
      const rowEnd = sampleStart[end];
      // Exact size, not pooled: a pool bucket could round a chunk past the binding limit.
      const buffer = gpu.device.createBuffer({
        size: Math.max(1, rowEnd - rowStart) * bytes,
        usage: STORAGE,
        label: `bank.chunk${chunks.length}`,
      });
      chunks.push({ buffer, start, end, rowStart, rowEnd });
      start = end;
    }
    return new BankRowsGpu(gpu, N, D, precision, Uint32Array.from(order), sampleStart, chunks);
  }

  /**
   * A (sub-)bank's index in GPU rows. Only the samples its pools can draw (train ∪ valid) are mapped, and
   * every row they name must be one uploaded for the same sample; the others' slots (test samples, samples
   * outside a window: never drawn, and often not uploaded) map to row 0. Its cost follows those samples,
   * not N: a window's table is built each epoch.
   */
  gpuIndex(bank: BankMeta): Uint32Array {
    const { N, S, K } = bank;
    if (N !== this.N || bank.D !== this.D)
      throw new Error(`bank rows: a bank of ${N}×${bank.D} on rows uploaded for ${this.N}×${this.D}`);
    const index = bankIndex(bank);
    const out = new Uint32Array(index.length);
    for (const n of drawable(bank)) {
      const a = this.sampleStart[n];
      const b = this.sampleStart[n + 1];
      for (let slot = n * S * K; slot < (n + 1) * S * K; slot++) {
        let g = a;
        while (g < b && this.order[g] !== index[slot]) g++;
        if (g === b)
          throw new Error(`bank rows: sample ${n} uses row ${index[slot]}, which was not uploaded for it`);
        out[slot] = g;
      }
    }
    return out;
  }

  release(): void {
    for (const c of this.chunks) c.buffer.destroy();
  }
}
