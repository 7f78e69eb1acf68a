// Run time of a workflow against its size: chains of 1k, 4k and 16k promptTemplate nodes (no
// provider calls), every node reading its predecessor and the first node, run in process with
// executeWorkflow (validation and loading excluded: bench/validate-scale.bench.mjs has those).
// Should grow about linearly; before the scheduler counted inputs it rescanned every node after
// each one finished and copied every upstream output into each node's scope (n² on a chain).
// Run after `npx tsc -b`: node bench/run-scale.bench.mjs [sizes...]
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const runtime = join(import.meta.dirname, '..', 'packages', 'runtime', 'dist', 'index.js');
const { executeWorkflow } = await import(pathToFileURL(runtime).href);
const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((size) => size > 0);

function chain(size) {
  const nodes = [{ id: 'input', type: 'input' }];
  for (let index = 0; index < size; index += 1) {
    const content =
      index === 0
        ? '{{ input.q }}'
        : `{{ size(nodes.p${index - 1}.messages) }} {{ nodes.p0.text }}`;
    nodes.push({
      id: `p${index}`,
      type: 'promptTemplate',
      config: { messages: [{ role: 'user', content }] },
    });
  }
  nodes.push({ id: 'output', type: 'output', config: { value: '{{ nodes.p0.text }}' } });
  const edges = nodes.slice(1).map((node, index) => ({ from: nodes[index].id, to: node.id }));
  return { id: 'chain', name: `chain of ${size}`, input: { type: 'object' }, nodes, edges };
}

const average = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
console.log(`load average ${average()}`);
console.log('| nodes | seconds | µs per node | last event |');
console.log('|---:|---:|---:|---|');
for (const size of sizes.length > 0 ? sizes : [1000, 4000, 16000]) {
  const workflow = chain(size);
  const started = performance.now();
  let last;
  for await (const event of executeWorkflow({
    workflow,
    input: { q: 'hi' },
    signal: new AbortController().signal,
    providers: () => {
      throw new Error('no provider is needed');
    },
    environment: {},
    embeddingCache: null,
  })) {
    last = event;
  }
  const seconds = (performance.now() - started) / 1000;
  const perNode = ((seconds * 1e6) / size).toFixed(0);
  console.log(`| ${size} | ${seconds.toFixed(2)} | ${perNode} | ${last?.type} |`);
}
console.log(`load average ${average()}`);
