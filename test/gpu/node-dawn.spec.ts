/**
 * The shared GPU cases in Node, on Dawn (npm `webgpu`) over Mesa lavapipe: the third runtime next to Deno
 * (test/gpu/deno.test.ts) and Chromium (test/e2e/gpu.test.ts). Dawn needs Mesa ≥ 25's lavapipe here
 * (Debian bookworm-backports, installed by scripts/setup.sh).
 */

import { afterAll, beforeAll, describe, it } from 'vitest';
import { adapterLabel } from '../../src/gpu/capabilities.ts';
import { Gpu } from '../../src/gpu/device.ts';
import { allGpuCases } from './cases/index.ts';
import { installDawn } from './dawn.ts';

let gpu: Gpu;

beforeAll(async () => {
  installDawn();
  gpu = await Gpu.acquire();
  console.log(`[gpu-node] Dawn adapter: ${adapterLabel(gpu.capabilities)}`);
});

afterAll(() => gpu?.destroy());

describe('GPU cases in Node on Dawn', () => {
  for (const c of allGpuCases) {
    it(c.name, async () => {
      await c.run(gpu, (m) => console.log(`  ${m}`));
    });
  }
});
