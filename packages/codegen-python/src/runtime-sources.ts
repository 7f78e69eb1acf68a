import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The Python runtime a generated project carries: its files and the catalog it reads. */
export interface RuntimeSources {
  /**
   * `catalyst_runtime/**` by path inside it (`server/create_app.py`, `py.typed`, …); the runtime's
   * own tests (`test_*.py`, `conftest.py`) and recorded fixtures (`__fixtures__/`) stay out.
   */
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
  for (const path of runtimeFilePaths(directory, '')) {
    files.set(path, readFileSync(join(directory, path), 'utf8'));
  }
  return {
    files,
    requirements: readFileSync(join(directory, 'requirements.txt'), 'utf8'),
    devRequirements: readFileSync(join(root, 'python', 'requirements-dev.txt'), 'utf8'),
    modelCatalog: readFileSync(catalog, 'utf8'),
    nodeManifest: readFileSync(manifest, 'utf8'),
  };
}

/** Files a generated project carries, below `directory`, as `/`-separated paths, sorted. */
function runtimeFilePaths(directory: string, prefix: string): string[] {
  const paths: string[] = [];
  const entries = readdirSync(join(directory, prefix), { withFileTypes: true });
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) {
      if (entry.name === '__fixtures__' || entry.name === '__pycache__') continue;
      paths.push(...runtimeFilePaths(directory, path));
    } else if (isShipped(entry.name)) {
      paths.push(path);
    }
  }
  return paths;
}

function isShipped(name: string): boolean {
  if (name.startsWith('test_') || name === 'conftest.py') return false;
  return name.endsWith('.py') || name === 'py.typed';
}
