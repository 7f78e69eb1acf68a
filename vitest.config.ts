import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const packages = [
  'spec',
  'providers',
  'simulator',
  'workflow',
  'runtime',
  'codegen-python',
  'studio-server',
  'cli',
];
// Subpath exports (package.json "exports"), mapped to their sources too.
const subpaths: Record<string, string> = {
  '@catalyst/providers/local': './packages/providers/src/local/index.ts',
  '@catalyst/providers/testing': './packages/providers/src/testing/index.ts',
};

export default defineConfig({
  resolve: {
    // Tests run against the sources of sibling packages, never a stale dist/ build.
    alias: [
      ...Object.entries(subpaths).map(([specifier, source]) => ({
        find: new RegExp(`^${specifier}$`),
        replacement: fileURLToPath(new URL(source, import.meta.url)),
      })),
      ...packages.map((name) => ({
        find: new RegExp(`^@catalyst/${name}$`),
        replacement: fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url)),
      })),
    ],
  },
  test: {
    // The gateway benchmark's harness (statistics, /proc parsing, SSE framing, the mock): milliseconds.
    include: [
      'packages/*/src/**/*.test.ts',
      'bench/gateway/*.test.ts',
      'bench/gateway/lib/*.test.ts',
    ],
    // The generated-project suite is slow; it runs on its own (vitest.generated.config.ts).
    exclude: ['**/node_modules/**', 'packages/codegen-python/src/generated-services.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
