import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * What a generated project copies from the repository: the Python runtime, the catalog it reads
 * and the service templates.
 */
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
  /**
   * `python/templates/service/*` by path in the project (`app/main.py`, `Dockerfile`, …): the
   * files every project gets as they are.
   */
  serviceTemplates: Map<string, string>;
  /** The version of Catalyst that builds the project, recorded in it. */
  catalystVersion: string;
}

/** The repository root, from this file (`packages/codegen-python/{src,dist}/…`). */
const REPOSITORY_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Reads `python/catalyst_runtime/`, `python/templates/service/`, the model catalog and the node
 * manifest from the repository; fails with a clear message when they are not where this package
 * expects them.
 */
export function loadRuntimeSources(root = REPOSITORY_ROOT): RuntimeSources {
  const directory = join(root, 'python', 'catalyst_runtime');
  const catalog = join(root, 'conformance', 'model-catalog.json');
  const manifest = join(root, 'conformance', 'node-manifest.json');
  const templates = join(root, 'python', 'templates', 'service');
  const required = [directory, templates, catalog, manifest];
  if (!required.every((path) => existsSync(path))) {
    throw new Error(
      `the Python runtime is missing: expected ${required.join(', ')} (catalyst build runs from a Catalyst checkout)`,
    );
  }
  const files = new Map<string, string>();
  for (const path of runtimeFilePaths(directory, '')) {
    files.set(path, readFileSync(join(directory, path), 'utf8'));
  }
  const serviceTemplates = new Map<string, string>();
  for (const path of filesUnder(templates))
    serviceTemplates.set(relative(templates, path), readFileSync(path, 'utf8'));
  const codegenPackage = JSON.parse(
    readFileSync(join(root, 'packages', 'codegen-python', 'package.json'), 'utf8'),
  ) as { version: string };
  return {
    files,
    requirements: readFileSync(join(directory, 'requirements.txt'), 'utf8'),
    devRequirements: readFileSync(join(root, 'python', 'requirements-dev.txt'), 'utf8'),
    modelCatalog: readFileSync(catalog, 'utf8'),
    nodeManifest: readFileSync(manifest, 'utf8'),
    serviceTemplates,
    catalystVersion: codegenPackage.version,
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

/** Every file under `directory`, sorted; caches Python or tools may leave there are skipped. */
function filesUnder(directory: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) {
      if (!entry.name.startsWith('.') && entry.name !== '__pycache__')
        found.push(...filesUnder(path));
    } else if (entry.isFile()) {
      found.push(path);
    }
  }
  return found.sort();
}
