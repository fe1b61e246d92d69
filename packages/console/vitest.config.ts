import { defineConfig } from 'vitest/config';

// `unit`: how each stage is judged, from probe results, no service. The
// command against a running stack is proven in the e2e suite (packages/e2e),
// where the pipeline runs and a connector task fails.
export default defineConfig({
  test: {
    projects: [{ test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } }],
  },
});
