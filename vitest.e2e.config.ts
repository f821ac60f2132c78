import { defineConfig } from 'vitest/config';

// e2e tier: real Chromium (WebGPU on SwiftShader), the built app, real IndexedDB. One file at a time:
// each starts its own server on its own fixed port.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    environment: 'node',
    testTimeout: 300_000,
    hookTimeout: 600_000,
    fileParallelism: false,
  },
});
