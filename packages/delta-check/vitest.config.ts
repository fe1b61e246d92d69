import { defineConfig } from 'vitest/config';

// Two projects: `unit` needs no service (tables written locally by Python
// deltalake); `integration` runs against the real stack (MinIO + PostgreSQL),
// started by the shared globalSetup unless its settings are exported.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          globalSetup: ['./test/unit-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 600_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['../../test/stack-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
