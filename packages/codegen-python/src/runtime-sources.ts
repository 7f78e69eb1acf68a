import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The Python runtime a generated project carries: its files and the catalog it reads. */
export interface RuntimeSources {
  /** `catalyst_runtime/*` by file name (`app.py`, `py.typed`, …). */
  files: Map<string, string>;
  /** `python/catalyst_runtime/requirements.txt`: the versions a project may depend on. */
  requirements: string;
  /** `python/requirements-dev.txt`: versions of the test and lint tools. */
  devRequirements: string;
  /** `conformance/model-catalog.json`: prices and context windows. */
  modelCatalog: string;
  /** `conformance/node-manifest.json`: node types, their defaults, provider environment names. */
  nodeManifest: string;
}

/** The repository root, from this file (`packages/codegen-python/{src,dist}/…`). */
const REPOSITORY_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Reads `python/catalyst_runtime/`, the model catalog and the node manifest from the repository;
 * fails with a clear message when they are not where this package expects them.
 */
export function loadRuntimeSources(root = REPOSITORY_ROOT): RuntimeSources {
  const directory = join(root, 'python', 'catalyst_runtime');
  const catalog = join(root, 'conformance', 'model-catalog.json');
  const manifest = join(root, 'conformance', 'node-manifest.json');
  if (!existsSync(directory) || !existsSync(catalog) || !existsSync(manifest)) {
    throw new Error(
      `the Python runtime is missing: expected ${directory}, ${catalog} and ${manifest} (catalyst build runs from a Catalyst checkout)`,
    );
  }
  const files = new Map<string, string>();
  for (const name of readdirSync(directory).sort()) {
    if (name.endsWith('.py') || name === 'py.typed') {
      files.set(name, readFileSync(join(directory, name), 'utf8'));
    }
  }
  return {
    files,
    requirements: readFileSync(join(directory, 'requirements.txt'), 'utf8'),
    devRequirements: readFileSync(join(root, 'python', 'requirements-dev.txt'), 'utf8'),
    modelCatalog: readFileSync(catalog, 'utf8'),
    nodeManifest: readFileSync(manifest, 'utf8'),
  };
}
