import { defineConfig } from 'vitest/config';

// Cluster tier: a single-node Slurm cluster started by the tests themselves (scripts/cluster/slurm-local.sh);
// skipped, with the reason printed, where its daemons cannot start.
export default defineConfig({
  test: {
    include: ['test/cluster/**/*.test.ts'],
    environment: 'node',
    testTimeout: 300_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
