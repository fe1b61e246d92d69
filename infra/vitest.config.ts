import { defineConfig } from 'vitest/config';

// `unit` needs no service; `integration` runs against the real native stack,
// started by the shared globalSetup (pnpm stack:up) unless its settings are exported.
export default defineConfig({
  test: {
    projects: [
      {
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 30_000 },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['../test/stack-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 900_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
