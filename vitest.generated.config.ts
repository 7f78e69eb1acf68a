import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

// `npm run test:generated`: builds every example and conformance workflow into a Python project,
// lints, type-checks and tests it, and compares it with `catalyst serve` (issue #4).
// Slow (minutes) and needs `npm run build` and the .venv from `npm run setup`.
export default defineConfig({
  ...base,
  test: {
    include: ['packages/codegen-python/src/generated-services.test.ts'],
    // A test may start two servers, each allowed 120 s to answer /health on a loaded machine.
    testTimeout: 300_000,
    // The file's setup builds every project and installs their dependencies once.
    hookTimeout: 900_000,
    fileParallelism: false,
  },
});
