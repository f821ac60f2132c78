import { describe, expect, it } from 'vitest';
import { backboneFixture, embedderFixture } from '../../models/fixtures/index.ts';
import { ExecutionProviderError } from '../../src/core/errors.ts';
import { floatToHalfBits, fromHalf, halfBitsToFloat, toHalf } from '../../src/core/fp16.ts';
import { Rng } from '../../src/core/rng.ts';
import { loadOrt } from '../../src/ort/runtime.ts';
import { type InnerSession, OrtSession } from '../../src/ort/session.ts';
import { signatureProblems } from '../../src/ort/signature.ts';
import { int64, type TensorData } from '../../src/ort/types.ts';

describe('fp16 ↔ fp32', () => {
  it('every half value survives half → float → half (NaNs stay NaN)', () => {
    for (let h = 0; h < 65536; h++) {
      const f = halfBitsToFloat(h);
      if (Number.isNaN(f)) expect(Number.isNaN(halfBitsToFloat(floatToHalfBits(f)))).toBe(true);
      else expect(floatToHalfBits(f)).toBe(h);
    }
  });

  it('rounds to the nearest half, ties to even, overflow to Inf, into subnormals (hand cases)', () => {
    const cases: [number, number][] = [
      [1, 0x3c00],
      [1 + 2 ** -11, 0x3c00], // tie → even
      [1 + 3 * 2 ** -11, 0x3c02], // tie → even (up)
      [65504, 0x7bff],
      [65519.99, 0x7bff],
      [65520, 0x7c00], // rounds past the largest finite → Inf
      [2 ** -24, 0x0001],
      [2 ** -25, 0x0000], // tie between 0 and the smallest subnormal → 0 (even)
      [1.5 * 2 ** -25, 0x0001],
      [-0, 0x8000],
      [-2, 0xc000],
      [2 ** -14 - 2 ** -25, 0x0400], // carry from the largest subnormal into the smallest normal
      [Number.POSITIVE_INFINITY, 0x7c00],
    ];
    for (const [x, h] of cases) expect(floatToHalfBits(x), `x=${x}`).toBe(h);
    expect(Number.isNaN(halfBitsToFloat(floatToHalfBits(Number.NaN)))).toBe(true);
  });

  it('picks the nearest representable half for random floats (brute-force oracle)', () => {
    const r = new Rng(3);
    for (let i = 0; i < 20000; i++) {
      const x = Math.fround((r.next() * 2 - 1) * 2 ** (r.int(40) - 26));
      const h = floatToHalfBits(x);
      const err = Math.abs(halfBitsToFloat(h) - x);
      for (const n of [h - 1, h + 1]) {
        if ((n & 0x7fff) > 0x7bff || n < 0 || ((n ^ h) & 0x8000) !== 0) continue;
        const e = Math.abs(halfBitsToFloat(n) - x);
        expect(err <= e, `x=${x} h=${h.toString(16)} n=${n.toString(16)}`).toBe(true);
        if (err === e) expect(h & 1).toBe(0);
      }
    }
  });

  it('toHalf/fromHalf convert arrays', () => {
    expect([...fromHalf(toHalf([0.5, -3, 1024.25]))]).toEqual([0.5, -3, 1024]);
  });
});

describe('OrtSession (wasm in Node)', () => {
  it('picks wasm in Node and says why not WebGPU; refuses when WebGPU is required', async () => {
    const p = await embedderFixture();
    const s = await OrtSession.create(p.files.get('onnx/model.onnx')!, { name: 'embedder', ep: 'auto' });
    expect(s.ep).toBe('wasm');
    expect(s.fallbackReason).toMatch(/Node/);
    await s.dispose();
    const err = await OrtSession.create(p.files.get('onnx/model.onnx')!, {
      name: 'embedder',
      ep: 'webgpu',
    }).catch((e) => e);
    expect(err).toBeInstanceOf(ExecutionProviderError);
    expect(err.message).toMatch(/WebGPU was required for embedder/);
  });

  it('runs one call at a time even when called concurrently, in call order, with correct results', async () => {
    const p = await embedderFixture();
    const s = await OrtSession.create(p.files.get('onnx/model.onnx')!, { name: 'embedder', ep: 'wasm' });
    const feeds = (id: number) => ({
      input_ids: int64([id], [1, 1]),
      attention_mask: int64([1], [1, 1]),
      token_type_ids: int64([0], [1, 1]),
    });
    const results = await Promise.all([...Array(20).keys()].map((i) => s.run(feeds(104 + i))));
    expect(s.maxInFlight).toBe(1);
    results.forEach((r, i) => {
      const id = 104 + i; // E[id][0] = ((3·id) mod 7) − 3, plus MASK_ROW[0] = 0.5
      expect((r.last_hidden_state as TensorData).data[0]).toBe(((3 * id) % 7) - 3 + 0.5);
    });
    await s.dispose();
  });

  it('serialises runs on the inner session (fake session with slow runs)', async () => {
    const ort = await loadOrt();
    let active = 0;
    let peak = 0;
    const order: number[] = [];
    const inner = {
      inputMetadata: [{ name: 'x', isTensor: true, type: 'float32', shape: [1] }],
      outputMetadata: [{ name: 'y', isTensor: true, type: 'float32', shape: [1] }],
      run: async (f: Record<string, { data: Float32Array }>) => {
        active++;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 5));
        order.push(f.x.data[0]);
        active--;
        return { y: new ort.Tensor('float32', Float32Array.of(f.x.data[0] * 2), [1]) };
      },
      release: async () => {},
    } as unknown as InnerSession;
    const s = new OrtSession(ort, inner, 'wasm', undefined, { name: 'fake' });
    const x = (v: number): TensorData => ({ type: 'float32', data: Float32Array.of(v), dims: [1] });
    const out = await Promise.all([1, 2, 3, 4].map((v) => s.run({ x: x(v) })));
    expect(peak).toBe(1);
    expect(order).toEqual([1, 2, 3, 4]);
    expect(out.map((o) => (o.y as TensorData).data[0])).toEqual([2, 4, 6, 8]);
    // dispose waits for queued runs, then refuses new ones
    const pending = s.run({ x: x(5) });
    await s.dispose();
    expect(((await pending).y as TensorData).data[0]).toBe(10);
    await expect(s.run({ x: x(6) })).rejects.toThrow(/disposed/);
  });

  it('converts fp32 feeds for a float16 graph and returns float32 (fp16 I/O export)', async () => {
    const p = await backboneFixture('hf');
    const s32 = await OrtSession.create(p.files.get('onnx/model.onnx')!, { name: 'fp32', ep: 'wasm' });
    const s16 = await OrtSession.create(p.files.get('onnx/model_fp16.onnx')!, { name: 'fp16', ep: 'wasm' });
    expect(s16.inputs[0].dtype).toBe('float16');
    const r = new Rng(5);
    const px = new Float32Array(2 * 3 * 224 * 224).map(() => r.next() * 2 - 1);
    const feed = { type: 'float32' as const, data: px, dims: [2, 3, 224, 224] };
    const a = (await s32.run({ pixel_values: feed })).last_hidden_state as TensorData;
    const b = (await s16.run({ pixel_values: feed })).last_hidden_state as TensorData;
    expect(b.type).toBe('float32');
    expect(b.dims).toEqual([2, 2048, 7, 7]);
    let maxErr = 0;
    for (let i = 0; i < a.data.length; i++)
      maxErr = Math.max(maxErr, Math.abs(Number(a.data[i]) - Number(b.data[i])));
    expect(maxErr).toBeGreaterThan(0); // it really went through half precision
    expect(maxErr).toBeLessThan(5e-3);
    await s32.dispose();
    await s16.dispose();
  });

  it('refuses a feed of the wrong integer type with a clear error', async () => {
    const p = await embedderFixture();
    const s = await OrtSession.create(p.files.get('onnx/model.onnx')!, { name: 'embedder', ep: 'wasm' });
    const bad = { type: 'int32' as const, data: Int32Array.of(1), dims: [1, 1] };
    await expect(s.run({ input_ids: bad })).rejects.toThrow(/input 'input_ids' is int64, but was fed int32/);
    await s.dispose();
  });
});

describe('manifest signature comparison (signatureProblems)', () => {
  const good = async () => (await embedderFixture()).manifest.sessions.model;

  it('a session opens whatever the manifest says and exposes the graph’s own I/O (binding judges it)', async () => {
    const p = await embedderFixture();
    const s = await OrtSession.create(p.files.get('onnx/model.onnx')!, {
      name: 'tiny-minilm model',
      ep: 'wasm',
    });
    expect(s.inputs.map((i) => `${i.name}:${i.dtype}`)).toEqual([
      'input_ids:int64',
      'attention_mask:int64',
      'token_type_ids:int64',
    ]);
    expect(s.outputs).toEqual([
      { name: 'last_hidden_state', dtype: 'float32', shape: ['batch_size', 'sequence_length', 4] },
    ]);
    const want = structuredClone(await good());
    want.inputs.push({ name: 'position_ids', dtype: 'int64', shape: ['batch_size', 'sequence_length'] });
    expect(signatureProblems(want, s)).toEqual(["missing input 'position_ids'"]);
    await s.dispose();
  });

  it('a wrong dtype, rank or fixed dim is named', async () => {
    const have = await good();
    const want = structuredClone(have);
    want.inputs[0].dtype = 'int32';
    want.outputs[0].shape = ['batch_size', 'sequence_length', 384];
    want.inputs[1].shape = ['batch_size'];
    expect(signatureProblems(want, have)).toEqual([
      "input 'input_ids' is int64, expected int32",
      "input 'attention_mask' has rank 2, expected 1",
      "output 'last_hidden_state' dim 2 is 4, expected 384",
    ]);
  });

  it('wildcards match every layer; an unexpected graph input is an error; fp16 counts as float', () => {
    const dims = ['batch_size', 2, 'past_sequence_length', 4];
    const have = {
      inputs: [0, 1].map((i) => ({
        name: `past_key_values.${i}.key`,
        dtype: 'float16' as const,
        shape: dims,
      })),
      outputs: [],
    };
    const want = {
      inputs: [{ name: 'past_key_values.*.key', dtype: 'float32' as const, shape: dims }],
      outputs: [],
    };
    expect(signatureProblems(want, have)).toEqual([]);
    have.inputs.push({ name: 'cache_position', dtype: 'float16', shape: dims });
    expect(signatureProblems(want, have)).toEqual(["unexpected input 'cache_position'"]);
  });
});
