import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Imports only go downward in the TypeScript runtime, as in the Python one
// (python/tests/test_runtime_structure.py): between packages the project references of
// `tsc -b` refuse a circle; inside a package nothing would, so this test does.

const packagesDirectory = fileURLToPath(new URL('../../', import.meta.url));

function sourceFiles(directory: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== '__fixtures__') {
        files.push(...sourceFiles(path));
      }
    } else if (/\.tsx?$/.test(entry.name) && !/\.(test|e2e\.test)\.tsx?$/.test(entry.name)) {
      files.push(path);
    }
  }
  return files;
}

/** Each module's relative imports (`./x.js` → `./x.ts`), static, dynamic and type-only. */
export function importGraph(files: string[]): Map<string, string[]> {
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((match) =>
      resolve(dirname(file), (match[1] ?? '').replace(/\.js$/, '')),
    );
    graph.set(
      file,
      targets
        .flatMap((target) => [`${target}.ts`, `${target}.tsx`, join(target, 'index.ts')])
        .filter((candidate) => known.has(candidate)),
    );
  }
  return graph;
}

/** Every cycle a depth-first walk meets, as the modules around it. */
export function findImportCycles(graph: Map<string, string[]>): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const cycles: string[][] = [];
  const visit = (module: string, path: string[]) => {
    state.set(module, 'open');
    for (const next of graph.get(module) ?? []) {
      if (state.get(next) === 'open') cycles.push([...path.slice(path.indexOf(next)), next]);
      else if (!state.has(next)) visit(next, [...path, next]);
    }
    state.set(module, 'done');
  };
  for (const module of [...graph.keys()].sort()) if (!state.has(module)) visit(module, [module]);
  return cycles;
}

describe('the TypeScript import graph', () => {
  it('has no circle inside any package', () => {
    const packages = readdirSync(packagesDirectory).filter((name) =>
      readdirSync(join(packagesDirectory, name)).includes('src'),
    );
    expect(packages.length).toBeGreaterThan(6);
    for (const name of packages) {
      const graph = importGraph(sourceFiles(join(packagesDirectory, name, 'src')));
      const cycles = findImportCycles(graph).map((cycle) =>
        cycle.map((file) => file.slice(packagesDirectory.length)).join(' → '),
      );
      expect(cycles, name).toEqual([]);
    }
  });

  it('finds a circle when there is one', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ]);
    expect(findImportCycles(graph)).toEqual([['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
  });
});
