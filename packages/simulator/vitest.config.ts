import { defineConfig } from 'vitest/config';

/** Test files that restart the shared PostgreSQL: they run alone, after the others. */
const RESTARTS_POSTGRES = ['test/sim-restart.test.ts'];

export default defineConfig({
  test: {
    globalSetup: ['../../test/stack-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'simulator',
          include: ['test/**/*.test.ts'],
          exclude: RESTARTS_POSTGRES,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'restarts-postgres',
          include: RESTARTS_POSTGRES,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
