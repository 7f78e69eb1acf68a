// `catalyst validate` time against graph size: chains of 1k, 4k and 16k promptTemplate nodes,
// written as one-line JSON (the worst case for locating problems). Validation should grow about
// linearly. Run after `npx tsc -b`: node bench/validate-scale.bench.mjs [sizes...]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = join(import.meta.dirname, '..', 'packages', 'cli', 'dist', 'bin.js');
const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((size) => size > 0);
const directory = mkdtempSync(join(tmpdir(), 'validate-scale-'));

function chain(size) {
  const nodes = [{ id: 'input', type: 'input' }];
  for (let index = 0; index < size; index += 1) {
    nodes.push({ id: `p${index}`, type: 'promptTemplate', config: { system: '{{ input.q }}' } });
  }
  nodes.push({ id: 'output', type: 'output' });
  const edges = nodes.slice(1).map((node, index) => ({ from: nodes[index].id, to: node.id }));
  return {
    id: 'chain',
    name: `chain of ${size}`,
    input: { type: 'object', properties: { q: { type: 'string' } } },
    nodes,
    edges,
  };
}

try {
  console.log('| nodes | seconds | µs per node |');
  console.log('|---:|---:|---:|');
  for (const size of sizes.length > 0 ? sizes : [1000, 4000, 16000]) {
    const file = join(directory, `chain-${size}.json`);
    writeFileSync(file, JSON.stringify(chain(size)));
    const started = performance.now();
    spawnSync(process.execPath, [bin, 'validate', file], { stdio: 'ignore' });
    const seconds = (performance.now() - started) / 1000;
    console.log(`| ${size} | ${seconds.toFixed(2)} | ${((seconds * 1e6) / size).toFixed(0)} |`);
  }
} finally {
  rmSync(directory, { recursive: true, force: true });
}
