import { defineConfig } from 'vitest/config';

// docker compose's cluster profile (compose.yaml + compose.cluster.yaml), built,
// started and torn down by its own globalSetup: the native cluster suite's test
// of node failures, on containers.
export default defineConfig({
  test: {
    include: ['test/cluster/**/*.test.ts'],
    globalSetup: ['test/compose/cluster-setup.ts'],
    fileParallelism: false,
    testTimeout: 3_600_000,
    hookTimeout: 3_600_000,
  },
});
