import { defineConfig } from 'vitest/config';

// `unit` needs no service (generator, reducer, pacing, retry, type inference, flags).
// `integration` runs against the real PostgreSQL of the stack, started by the shared
// globalSetup unless its settings are exported; `restarts-postgres` restarts that
// PostgreSQL, so it runs alone, after the others (and in `pnpm test`, after every suite).
export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          exclude: ['test/integration/sim-restart.test.ts'],
          globalSetup: ['../../test/stack-setup.ts'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'restarts-postgres',
          include: ['test/integration/sim-restart.test.ts'],
          globalSetup: ['../../test/stack-setup.ts'],
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
