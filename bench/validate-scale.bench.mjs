// `catalyst validate` time against graph size: chains of 1k, 4k and 16k promptTemplate nodes,
// written as one-line JSON (the worst case for locating problems), in two shapes: every node
// invalid (n problems located and printed), and a valid chain where every node reads its
// predecessor and the first node (n² / 2 upstream pairs if each node's upstream set were stored).
// Validation should grow about linearly. Run after `npx tsc -b`:
// node bench/validate-scale.bench.mjs [sizes...]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = join(import.meta.dirname, '..', 'packages', 'cli', 'dist', 'bin.js');
const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((size) => size > 0);
const directory = mkdtempSync(join(tmpdir(), 'validate-scale-'));

const SHAPES = {
  // No `messages`: every node fails its schema, so every node has a problem to locate and print.
  invalid: () => ({ system: '{{ input.q }}' }),
  reading: (index) => ({
    messages: [
      {
        role: 'user',
        content: index === 0 ? '{{ input.q }}' : `{{ nodes.p${index - 1} }} {{ nodes.p0 }}`,
      },
    ],
  }),
};

function chain(size, config) {
  const nodes = [{ id: 'input', type: 'input' }];
  for (let index = 0; index < size; index += 1) {
    nodes.push({ id: `p${index}`, type: 'promptTemplate', config: config(index) });
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
  console.log(
    `load average ${loadavg()
      .map((value) => value.toFixed(2))
      .join(' ')}`,
  );
  console.log('| shape | nodes | seconds | µs per node | exit |');
  console.log('|---|---:|---:|---:|---:|');
  for (const [shape, config] of Object.entries(SHAPES)) {
    for (const size of sizes.length > 0 ? sizes : [1000, 4000, 16000]) {
      const file = join(directory, `chain-${shape}-${size}.json`);
      writeFileSync(file, JSON.stringify(chain(size, config)));
      const started = performance.now();
      const result = spawnSync(process.execPath, [bin, 'validate', file], { stdio: 'ignore' });
      const seconds = (performance.now() - started) / 1000;
      const perNode = ((seconds * 1e6) / size).toFixed(0);
      console.log(`| ${shape} | ${size} | ${seconds.toFixed(2)} | ${perNode} | ${result.status} |`);
    }
  }
  console.log(
    `load average ${loadavg()
      .map((value) => value.toFixed(2))
      .join(' ')}`,
  );
} finally {
  rmSync(directory, { recursive: true, force: true });
}
