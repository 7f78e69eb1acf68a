import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

// `npm run test:generated`: builds every example and conformance workflow into a Python project,
// installs it, lints, type-checks and tests it, and compares it with `catalyst serve` (issue #4).
// Slow (minutes) and needs `npm run build` and the .venv from `npm run setup`.
export default defineConfig({
  ...base,
  test: {
    include: ['packages/codegen-python/src/generated-services.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    fileParallelism: false,
  },
});
