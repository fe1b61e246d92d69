import { defineConfig } from 'vitest/config';

// One running stack for every file (started by the shared globalSetup unless its
// settings are exported), files one after another: the faults hit shared services.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['../../test/stack-setup.ts'],
    fileParallelism: false,
    testTimeout: 900_000,
    hookTimeout: 900_000,
  },
});
