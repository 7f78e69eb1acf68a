import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const packages = ['spec', 'providers', 'simulator', 'workflow', 'runtime', 'cli'];

export default defineConfig({
  resolve: {
    // Tests run against the sources of sibling packages, never a stale dist/ build.
    alias: Object.fromEntries(
      packages.map((name) => [
        `@catalyst/${name}`,
        fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url)),
      ]),
    ),
  },
  test: {
    include: ['packages/*/src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
