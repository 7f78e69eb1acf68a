#!/usr/bin/env node
/**
 * Benchmark: what one workflow run costs the engine alone — `startWorkflowRun` on
 * bench/gateway/workflows/bench-completion.json with an in-memory provider answering 20 tokens at
 * once (no HTTP, no provider SDK).
 *
 * Prints, after 2,000 warm-up runs: the live heap a run holds mid-stream (BENCH_HELD runs stopped
 * at token 10, heap after full GCs); CPU microseconds per run (BENCH_RUNS runs, 16 at a time);
 * and the bytes a completed run allocates, sampled by V8's heap profiler counting collected
 * objects too (the provider's own allocations included), with the functions that allocate most.
 *
 * Runs on the built code: `npx tsc -b && taskset -c 1 node --expose-gc bench/engine-run.bench.mjs`.
 * Environment: BENCH_RUNS (default 20000), BENCH_HELD (default 5000), BENCH_TOP (default 12).
 */
import { readFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadavg } from 'node:os';

const root = new URL('..', import.meta.url);
const { startWorkflowRun } = await import(
  new URL('packages/runtime/dist/execute-workflow.js', root).href
);
const { preparedWorkflow } = await import(
  new URL('packages/runtime/dist/prepare-workflow.js', root).href
);
const workflow = JSON.parse(
  readFileSync(new URL('bench/gateway/workflows/bench-completion.json', root), 'utf8'),
);
// As `catalyst serve` runs it: the workflow prepared once, every run on that preparation.
const prepared = preparedWorkflow(workflow);
const runs = Number(process.env.BENCH_RUNS ?? 20_000);
const held = Number(process.env.BENCH_HELD ?? 5_000);
const top = Number(process.env.BENCH_TOP ?? 12);
if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');

const usage = {
  inputTokens: 5,
  outputTokens: 20,
  totalTokens: 25,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
};
let release = () => {};
const gate = new Promise((resolve) => {
  release = resolve;
});
/** A provider answering 20 tokens; with `hold`, it waits after the tenth until released. */
const provider = (hold) => ({
  name: 'openai',
  async *stream(request) {
    let text = '';
    for (let index = 0; index < 20; index += 1) {
      text += `t${index} `;
      yield { type: 'token', text: `t${index} ` };
      if (hold && index === 9) await gate;
    }
    yield {
      type: 'done',
      provider: 'openai',
      model: request.model,
      text,
      toolCalls: [],
      finishReason: 'stop',
      usage,
      cost: null,
    };
  },
});
const run = (answering) =>
  new Promise((resolve) => {
    startWorkflowRun({
      workflow,
      prepared,
      input: { question: 'hi' },
      signal: new AbortController().signal,
      providers: () => answering,
      environment: {},
      embeddingCache: null,
      onEvent: () => {},
      onEnd: resolve,
    });
  });

const fast = provider(false);
for (let index = 0; index < 2_000; index += 1) await run(fast);

globalThis.gc();
globalThis.gc();
const heapBefore = process.memoryUsage().heapUsed;
const slow = provider(true);
const pending = Array.from({ length: held }, () => run(slow));
await new Promise((resolve) => setTimeout(resolve, 50));
globalThis.gc();
globalThis.gc();
const heapDuring = process.memoryUsage().heapUsed;
release();
await Promise.all(pending);
console.log(`live heap per run mid-stream: ${Math.round((heapDuring - heapBefore) / held)} bytes`);

const cpuBefore = process.cpuUsage();
for (let index = 0; index < runs; index += 16) {
  await Promise.all(Array.from({ length: 16 }, () => run(fast)));
}
const cpu = process.cpuUsage(cpuBefore);
console.log(
  `load average ${loadavg()
    .map((value) => value.toFixed(2))
    .join(' ')}`,
);
console.log(`CPU per run: ${((cpu.user + cpu.system) / runs).toFixed(1)} µs`);

const session = new Session();
session.connect();
await session.post('HeapProfiler.enable');
await session.post('HeapProfiler.startSampling', {
  samplingInterval: 256,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: true,
});
const sampled = 5_000;
for (let index = 0; index < sampled; index += 1) await run(fast);
const { profile } = await session.post('HeapProfiler.stopSampling');
const byFunction = new Map();
let total = 0;
const walk = (node) => {
  const frame = node.callFrame;
  const name = `${frame.functionName || '(anonymous)'} ${frame.url.split('/').at(-1)}:${frame.lineNumber}`;
  total += node.selfSize;
  byFunction.set(name, (byFunction.get(name) ?? 0) + node.selfSize);
  for (const child of node.children) walk(child);
};
walk(profile.head);
console.log(`allocated per run (sampled): ${Math.round(total / sampled)} bytes; most by`);
for (const [name, bytes] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  console.log(`${String(Math.round(bytes / sampled)).padStart(7)}  ${name}`);
}
