/**
 * A model call that fails after ONNX Runtime's WebGPU device was lost reports DeviceLostError (the app
 * restarts its worker for it); before the loss, a failing call stays an ordinary error. Node has no
 * WebGPU, so the device is a stand-in whose `lost` promise the test settles, as a browser would.
 */
import { describe, expect, it } from 'vitest';
import { AutoGenDAError, DeviceLostError } from '../../src/core/errors.ts';
import { ortDeviceLost, watchOrtDevice } from '../../src/ort/device-loss.ts';
import { loadOrt, type OrtModule } from '../../src/ort/runtime.ts';
import { type InnerSession, OrtSession } from '../../src/ort/session.ts';

describe('ONNX Runtime device loss', () => {
  it('turns a failed WebGPU call after a device loss into DeviceLostError', async () => {
    const ort = await loadOrt();
    let lose: (info: { reason: string; message: string }) => void = () => {};
    const device = { lost: new Promise((r) => (lose = r)) };
    // ORT's env with the device a WebGPU session would have created.
    const withDevice = { ...ort, env: { ...ort.env, webgpu: { device: Promise.resolve(device) } } };
    watchOrtDevice(withDevice as unknown as OrtModule);
    const inner = {
      inputMetadata: [{ name: 'x', isTensor: true, type: 'float32', shape: [1] }],
      outputMetadata: [{ name: 'y', isTensor: true, type: 'float32', shape: [1] }],
      run: async () => {
        throw new Error('Failed to execute mapAsync on GPUBuffer');
      },
      release: async () => {},
    } as unknown as InnerSession;
    const s = new OrtSession(ort, inner, 'webgpu', undefined, { name: 'captioner decoder' });
    const x = { x: { type: 'float32' as const, data: Float32Array.of(1), dims: [1] } };

    const before = await s.run(x).catch((e: Error) => e);
    expect(before).toBeInstanceOf(AutoGenDAError);
    expect(before).not.toBeInstanceOf(DeviceLostError);
    expect(ortDeviceLost()).toBeUndefined();

    lose({ reason: 'unknown', message: 'GPU process crashed' });
    await new Promise((r) => setTimeout(r, 0));
    expect(ortDeviceLost()).toBe('unknown: GPU process crashed');
    const after = await s.run(x).catch((e: Error) => e);
    expect(after).toBeInstanceOf(DeviceLostError);
    expect((after as Error).message).toBe(
      'captioner decoder: the GPU device was lost (unknown: GPU process crashed).',
    );
    // wasm sessions do not use that device: their failures stay what they were
    const wasm = new OrtSession(ort, inner, 'wasm', undefined, { name: 'embedder' });
    await expect(wasm.run(x)).rejects.not.toBeInstanceOf(DeviceLostError);
  });
});
