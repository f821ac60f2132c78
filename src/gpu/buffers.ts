/**
 * Buffer pool and transfers. Buffers are bucketed by usage and rounded-up size (quarter-octave buckets:
 * at most 25 % waste) so training loops and repeated stages reuse allocations instead of churning.
 */

export const STORAGE = 0x80 | 0x08 | 0x04; // STORAGE | COPY_DST | COPY_SRC
export const UNIFORM = 0x40 | 0x08; // UNIFORM | COPY_DST
const STAGING = 0x01 | 0x08; // MAP_READ | COPY_DST

/** Round a byte size up to its bucket: multiples of a quarter of the enclosing power of two, min 256. */
export function bucketSize(bytes: number): number {
  const n = Math.max(256, Math.ceil(bytes / 4) * 4);
  const step = 2 ** Math.max(6, Math.floor(Math.log2(n)) - 2);
  return Math.ceil(n / step) * step;
}

export class BufferPool {
  private free = new Map<string, GPUBuffer[]>();
  private live = new Set<GPUBuffer>();

  constructor(private readonly device: GPUDevice) {}

  /** A buffer of at least `bytes` with exactly `usage`; contents are undefined (may be a reused buffer). */
  acquire(bytes: number, usage: number = STORAGE, label?: string): GPUBuffer {
    const size = bucketSize(bytes);
    const key = `${usage}:${size}`;
    const reused = this.free.get(key)?.pop();
    const buf = reused ?? this.device.createBuffer({ size, usage, label });
    this.live.add(buf);
    return buf;
  }

  /** Give a buffer back for reuse. Only buffers from `acquire` may be released. */
  release(buf: GPUBuffer): void {
    if (!this.live.delete(buf))
      throw new Error('BufferPool.release: buffer does not belong to this pool or was released twice');
    const key = `${buf.usage}:${buf.size}`;
    const list = this.free.get(key) ?? [];
    list.push(buf);
    this.free.set(key, list);
  }

  /** Bytes held in free lists (for tests and diagnostics). */
  get idleBytes(): number {
    let n = 0;
    for (const list of this.free.values()) for (const b of list) n += b.size;
    return n;
  }

  destroy(): void {
    for (const list of this.free.values()) for (const b of list) b.destroy();
    for (const b of this.live) b.destroy();
    this.free.clear();
    this.live.clear();
  }
}

type Typed = Float32Array | Int32Array | Uint32Array;

/** Upload a typed array into a new pooled storage buffer. */
export function upload(
  device: GPUDevice,
  pool: BufferPool,
  data: Typed,
  usage: number = STORAGE,
  label?: string,
): GPUBuffer {
  const buf = pool.acquire(data.byteLength, usage, label);
  device.queue.writeBuffer(buf, 0, data.buffer, data.byteOffset, data.byteLength);
  return buf;
}

/**
 * Copy `bytes` from `src` (at `offset`) to the CPU. One staging buffer per call, pooled; awaits the map.
 * Never call inside a training step: read back once per epoch or at the end.
 */
export async function readback(
  device: GPUDevice,
  pool: BufferPool,
  src: GPUBuffer,
  bytes: number,
  offset = 0,
): Promise<ArrayBuffer> {
  const size = Math.ceil(bytes / 4) * 4;
  const staging = pool.acquire(size, STAGING, 'staging');
  const enc = device.createCommandEncoder({ label: 'readback' });
  enc.copyBufferToBuffer(src, offset, staging, 0, size);
  device.queue.submit([enc.finish()]);
  await staging.mapAsync(0x0001 /* GPUMapMode.READ */, 0, size);
  const out = staging.getMappedRange(0, size).slice(0, bytes);
  staging.unmap();
  pool.release(staging);
  return out;
}
