/**
 * One (sub-)bank as the training kernels see it: the feature rows on the GPU (BankRowsGpu, shared by all
 * methods of a run or owned by this bank), a u32 table of labels then the index [N][S][K] → GPU row,
 * and the sample pools (train, valid, train ∪ valid).
 */
import type { Gpu } from '../gpu/device.ts';
import type { BankMeta } from './bank.ts';
import type { TrainBank } from './bank-rows.ts';
import { BankRowsGpu, type Chunk, type UploadOptions } from './bank-rows-gpu.ts';
import type { PoolName } from './schedule.ts';

export type { Chunk };

/** The gathers' `table` binding: labels [N], then the index [N·S·K] (its entries are GPU rows). */
export function bankTable(labels: Int32Array, gpuIndex: Uint32Array): Uint32Array {
  const t = new Uint32Array(labels.length + gpuIndex.length);
  t.set(new Uint32Array(labels.buffer, labels.byteOffset, labels.length));
  t.set(gpuIndex, labels.length);
  return t;
}

export class BankGpu {
  private constructor(
    readonly gpu: Gpu,
    readonly bank: TrainBank,
    readonly rows: BankRowsGpu,
    readonly table: GPUBuffer,
    readonly pools: Record<PoolName, { buffer: GPUBuffer; size: number }>,
    private readonly owned: GPUBuffer[],
    private readonly ownsRows: boolean,
  ) {}

  get chunks(): Chunk[] {
    return this.rows.chunks;
  }

  /**
   * The bank on `rows` (uploaded once for a run, not released here), or on rows uploaded now for it alone
   * with `upload`'s precision and chunk cap.
   */
  static async create(
    gpu: Gpu,
    bank: TrainBank,
    shared?: BankRowsGpu,
    upload: UploadOptions = {},
  ): Promise<BankGpu> {
    const rows = shared ?? (await BankRowsGpu.upload(gpu, bank, upload));
    const owned: GPUBuffer[] = [];
    const table = gpu.upload(bankTable(bank.labels, rows.gpuIndex(bank)), undefined, 'bank.table');
    owned.push(table);
    const pool = (idx: number[]) => {
      const buffer = gpu.upload(Uint32Array.from(idx.length ? idx : [0]), undefined, 'bank.pool');
      owned.push(buffer);
      return { buffer, size: idx.length };
    };
    const { train, valid } = bank.split;
    const pools = { train: pool(train), valid: pool(valid), all: pool([...train, ...valid]) };
    return new BankGpu(gpu, bank, rows, table, pools, owned, !shared);
  }

  /** Shape fields of a gather over `chunk` (`stride`: elements of its `feats` per row, BankRowsGpu.stride). */
  static chunkShape(bank: BankMeta, stride: number, chunk?: Chunk) {
    return {
      N: bank.N,
      stride,
      chunkStart: chunk?.start ?? 0,
      chunkEnd: chunk?.end ?? 0,
      rowStart: chunk?.rowStart ?? 0,
    };
  }

  release(): void {
    for (const b of this.owned) this.gpu.pool.release(b);
    if (this.ownsRows) this.rows.release();
  }
}
