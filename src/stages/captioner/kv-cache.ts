/**
 * The decoder's key/value cache: `present.{i}.{key,value}` outputs become the next run's
 * `past_key_values.{i}.{key,value}` inputs. Tensors stay where ONNX Runtime put them (GPU on WebGPU)
 * unless beams are reordered, which gathers rows on the CPU. Shapes and the element type of an empty
 * cache come from the session's input metadata (numeric heads and head size, symbolic lengths; a
 * bound session has taken the manifest's numbers where the graph leaves them symbolic).
 */
import { DeviceTensor, type Feed, type Outputs, type SessionLike } from '../../ort/session.ts';
import type { DataOf, DType, TensorData } from '../../ort/types.ts';

const PAST = /^past_key_values\.(\d+)\.(key|value)$/;

export class KvCache {
  private readonly names: string[];
  private readonly heads: number;
  private readonly headDim: number;
  private readonly dtype: DType;
  private values = new Map<string, Feed>();
  /** Tokens held per beam. */
  length = 0;

  constructor(decoder: SessionLike) {
    const pasts = decoder.inputs.filter((i) => PAST.test(i.name));
    if (pasts.length === 0) throw new Error('decoder has no past_key_values.* inputs');
    const s = pasts[0].shape;
    if (s.length !== 4 || typeof s[1] !== 'number' || typeof s[3] !== 'number') {
      throw new Error(
        `past_key_values shape [${s}] must be [batch, heads, past, head_dim] with numeric heads and ` +
          "head size: neither the graph nor the manifest's sessions give them; write them in the manifest",
      );
    }
    this.names = pasts.map((p) => p.name);
    this.heads = s[1];
    this.headDim = s[3];
    this.dtype = pasts[0].dtype;
  }

  /** Feeds for the next run: the cache, or empty tensors [batch, heads, 0, headDim] the first time. */
  feeds(batch: number): Record<string, Feed> {
    const out: Record<string, Feed> = {};
    for (const name of this.names) {
      out[name] = this.values.get(name) ?? {
        type: this.dtype,
        data: new (this.dtype === 'float16' ? Uint16Array : Float32Array)(0) as DataOf[DType],
        dims: [batch, this.heads, 0, this.headDim],
      };
    }
    return out;
  }

  /** Take the presents of a run as the new cache; the old tensors are released. */
  update(outputs: Outputs): void {
    const next = new Map<string, Feed>();
    for (const name of this.names) {
      const v = outputs[name.replace('past_key_values', 'present')];
      if (!v) throw new Error(`decoder did not return ${name.replace('past_key_values', 'present')}`);
      next.set(name, v);
    }
    this.release();
    this.values = next;
    this.length = next.get(this.names[0])!.dims[2];
  }

  /** Beam i now continues beam parents[i]: gather batch rows (a no-op for the identity). */
  async reorder(parents: readonly number[]): Promise<void> {
    const first = this.values.get(this.names[0]);
    if (!first) return;
    if (parents.length === first.dims[0] && parents.every((p, i) => p === i)) return;
    const next = new Map<string, Feed>();
    for (const [name, v] of this.values) {
      const t: TensorData = v instanceof DeviceTensor ? await v.read() : v;
      const row = t.dims.slice(1).reduce((a, b) => a * b, 1);
      const data = new (t.data.constructor as new (n: number) => TensorData['data'])(parents.length * row);
      parents.forEach((p, i) => {
        (data as Float32Array).set((t.data as Float32Array).subarray(p * row, (p + 1) * row), i * row);
      });
      next.set(name, { type: t.type, data, dims: [parents.length, ...t.dims.slice(1)] });
    }
    this.release();
    this.values = next;
  }

  release(): void {
    for (const v of this.values.values()) if (v instanceof DeviceTensor) v.dispose();
    this.values.clear();
  }
}
