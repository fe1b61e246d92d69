import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['../../test/stack-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
