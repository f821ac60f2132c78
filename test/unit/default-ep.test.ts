import { describe, expect, it } from 'vitest';
import { defaultEp } from '../../src/cli/default-ep.ts';

const gpu = (adapter: object | null) => ({ requestAdapter: async () => adapter });

describe('the CLI default execution provider', () => {
  it('is wasm with a note on a software adapter (lavapipe, as Deno reports it)', async () => {
    const d = await defaultEp(
      gpu({ info: { isFallbackAdapter: true, description: 'llvmpipe (LLVM 15.0.6, 256 bits)' } }),
    );
    expect(d.ep).toBe('wasm');
    expect(d.note).toContain('llvmpipe');
    expect(d.note).toContain('--ep webgpu');
  });

  it('is auto (WebGPU first) on a hardware adapter', async () => {
    expect(await defaultEp(gpu({ info: { isFallbackAdapter: false, description: 'NVIDIA' } }))).toEqual({
      ep: 'auto',
    });
  });

  it('is auto without WebGPU or an adapter (auto falls back to wasm with its reason)', async () => {
    expect((await defaultEp(undefined)).ep).toBe('auto');
    expect((await defaultEp(gpu(null))).ep).toBe('auto');
    const failing = { requestAdapter: () => Promise.reject(new Error('no Vulkan')) };
    expect((await defaultEp(failing)).ep).toBe('auto');
  });
});
