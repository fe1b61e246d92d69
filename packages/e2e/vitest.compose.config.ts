import { defineConfig } from 'vitest/config';

// The docker compose stack, driven like the native one: built, started and torn
// down by its own globalSetup (a Docker engine is started when none answers).
export default defineConfig({
  test: {
    include: ['test/compose/**/*.test.ts'],
    globalSetup: ['test/compose/compose-setup.ts'],
    fileParallelism: false,
    testTimeout: 3_600_000,
    hookTimeout: 3_600_000,
  },
});
