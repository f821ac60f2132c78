/**
 * The feature bank on the GPU. Features are split by sample into chunks that each fit one storage binding
 * (maxStorageBufferBindingSize and maxBufferSize; 128 MiB on many adapters), so banks of any size work in
 * fp32; the gathers run once per chunk. Labels and the sample pools (train, valid, train ∪ valid) sit beside.
 */
import { LimitTooLowError } from '../core/errors.ts';
import { STORAGE } from '../gpu/buffers.ts';
import type { Gpu } from '../gpu/device.ts';
import type { FeatureBank } from './bank.ts';
import type { PoolName } from './schedule.ts';

/** Floats per staged upload (16 MiB). */
const UPLOAD_SLICE_FLOATS = 4 * 2 ** 20;

export interface Chunk {
  buffer: GPUBuffer;
  start: number;
  end: number;
}

export class BankGpu {
  private constructor(
    readonly gpu: Gpu,
    readonly bank: FeatureBank,
    readonly chunks: Chunk[],
    readonly labels: GPUBuffer,
    readonly pools: Record<PoolName, { buffer: GPUBuffer; size: number }>,
    private readonly owned: GPUBuffer[],
  ) {}

  /** Samples per chunk under the device's binding limits (exported for tests and docs). */
  static samplesPerChunk(gpu: Gpu, bank: Pick<FeatureBank, 'S' | 'K' | 'D'>, capBytes?: number): number {
    const limit = Math.min(
      gpu.limits.maxStorageBufferBindingSize,
      gpu.limits.maxBufferSize,
      capBytes ?? Number.POSITIVE_INFINITY,
    );
    const perSample = 4 * bank.S * bank.K * bank.D;
    const n = Math.floor(limit / perSample);
    if (n < 1)
      throw new LimitTooLowError(
        'maxStorageBufferBindingSize',
        limit,
        perSample,
        'to hold one sample’s features',
      );
    return n;
  }

  /** `chunkBytes` caps chunk size below the device limit (tests use it to force several chunks). */
  static upload(gpu: Gpu, bank: FeatureBank, chunkBytes?: number): BankGpu {
    const owned: GPUBuffer[] = [];
    const per = BankGpu.samplesPerChunk(gpu, bank, chunkBytes);
    const stride = bank.S * bank.K * bank.D;
    const chunks: Chunk[] = [];
    for (let start = 0; start < bank.N; start += per) {
      const end = Math.min(bank.N, start + per);
      const view = bank.features.subarray(start * stride, end * stride);
      // Exact size, not pooled: a pool bucket could round a chunk past the binding limit.
      const buffer = gpu.device.createBuffer({
        size: view.byteLength,
        usage: STORAGE,
        label: `bank.chunk${chunks.length}`,
      });
      // In slices, each submitted at once: writeBuffer stages its bytes until the next submit, and
      // staging a whole bank at once held it twice more in host memory (issue 14's memory figures).
      for (let at = 0; at < view.length; at += UPLOAD_SLICE_FLOATS) {
        const part = view.subarray(at, at + UPLOAD_SLICE_FLOATS);
        gpu.device.queue.writeBuffer(buffer, 4 * at, part);
        gpu.device.queue.submit([]);
      }
      chunks.push({ buffer, start, end });
    }
    const labels = gpu.upload(
      new Uint32Array(bank.labels.buffer, bank.labels.byteOffset, bank.labels.length),
      undefined,
      'bank.labels',
    );
    owned.push(labels);
    const pool = (idx: number[]) => {
      const buffer = gpu.upload(Uint32Array.from(idx.length ? idx : [0]), undefined, 'bank.pool');
      owned.push(buffer);
      return { buffer, size: idx.length };
    };
    const { train, valid } = bank.split;
    const pools = { train: pool(train), valid: pool(valid), all: pool([...train, ...valid]) };
    return new BankGpu(gpu, bank, chunks, labels, pools, owned);
  }

  release(): void {
    for (const b of this.owned) this.gpu.pool.release(b);
    for (const c of this.chunks) c.buffer.destroy();
  }
}
