import { defineConfig } from 'vitest/config';

// GPU tier in Node: the shared GPU cases on Dawn (npm `webgpu`) over lavapipe.
export default defineConfig({
  test: {
    include: ['test/gpu/node-dawn.spec.ts', 'test/gpu/device-loss.spec.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
