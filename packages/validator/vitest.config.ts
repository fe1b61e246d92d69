import { defineConfig } from 'vitest/config';

// `unit`: no network (decoding, marble tests on virtual time). `integration`: the real
// stack (PostgreSQL, Kafka, Connect+Debezium, Apicurio), started by the shared globalSetup
// unless its settings are exported.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['../../test/stack-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 900_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
