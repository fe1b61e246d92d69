import { defineConfig } from 'vitest/config';

// One running stack for every file (started by the shared globalSetup unless its
// settings are exported), files one after another: the faults hit shared services.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // vitest.compose.config.ts and vitest.cluster.config.ts: a stack of their own each
    exclude: ['test/compose/**', 'test/cluster/**'],
    globalSetup: ['../../test/stack-setup.ts'],
    fileParallelism: false,
    // each test's own deadlines (waitFor, delta:check until equal) end a stuck test
    testTimeout: 3_600_000,
    hookTimeout: 3_600_000,
  },
});
