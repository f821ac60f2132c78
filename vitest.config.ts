import { defineConfig } from 'vitest/config';

// Unit tier (Node). The GPU tier runs in Deno (test/gpu), the e2e tier in Chromium (test/e2e).
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
  },
});
