import { defineConfig } from 'vitest/config';

// The native stack's cluster profile, started (and deleted) by its own globalSetup,
// in a state dir and on ports of its own: the pipeline under node failures.
export default defineConfig({
  test: {
    include: ['test/cluster/**/*.test.ts'],
    globalSetup: ['test/cluster/cluster-setup.ts'],
    fileParallelism: false,
    testTimeout: 3_600_000,
    hookTimeout: 3_600_000,
  },
});
