import { defineConfig } from 'vitest/config';

// Two projects: `unit` needs no service (tables written locally by Python
// deltalake); `integration` runs against the real stack (MinIO + PostgreSQL),
// started by the shared globalSetup unless its settings are exported.
export default defineConfig({
  test: {
    // the pinned AWS SDK supports Node 20; its notice about later releases is noise
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
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
