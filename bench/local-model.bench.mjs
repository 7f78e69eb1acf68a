#!/usr/bin/env node
/**
 * Benchmark: the embedded local model through Catalyst's `local` provider vs node-llama-cpp
 * called directly, in the same process and run, on the same model, prompts, threads and
 * context size. Reports time to first token and decode speed (tokens/s after the first token)
 * for both, and Catalyst/direct ratios, to stdout and bench/results/local-model.md.
 *
 * Runs on the built code: `npm run bench:local` builds first (tsc -b).
 * Environment: BENCH_ROUNDS (default 6), BENCH_MAX_TOKENS (default 64), plus the model and
 * thread variables the provider honours (CATALYST_LOCAL_MODEL, CATALYST_LOCAL_THREADS).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const distEntry = join(here, '..', 'packages', 'providers', 'dist', 'local', 'index.js');
if (!existsSync(distEntry)) {
  console.error(`No build at ${distEntry}; run \`npx tsc -b\` first (npm run bench:local does).`);
  process.exit(1);
}
const local = await import(distEntry);
const runtimeModule = await import(
  join(here, '..', 'packages', 'providers', 'dist', 'local', 'local-runtime.js')
);
const { getLlama, LlamaChat, LlamaLogLevel } = await import('node-llama-cpp');

const rounds = Number(process.env.BENCH_ROUNDS ?? 6);
const maxTokens = Number(process.env.BENCH_MAX_TOKENS ?? 64);
const modelPath = local.resolveLocalModelPath();
if (!existsSync(modelPath)) {
  console.error(`No model at ${modelPath}; run \`npm run setup:local-model\` first.`);
  process.exit(1);
}
const threads = runtimeModule.defaultThreadCount();
const contextSize = 4096;
const topics = [
  'a dragon',
  'the sea',
  'a robot',
  'a lost key',
  'winter',
  'a city',
  'a violin',
  'the moon',
];

// Catalyst: the provider exactly as users get it (4 parallel sequences, lazy load).
const provider = local.createLocalProvider({ modelPath, threads, contextSize });

// Direct: what a node-llama-cpp user would write, with the same settings.
const llama = await getLlama({
  // The same binary choice as the provider (local-runtime.ts).
  gpu: process.platform === 'darwin' && process.arch === 'arm64' ? 'metal' : false,
  build: 'never',
  skipDownload: true,
  logLevel: LlamaLogLevel.error,
});
const model = await llama.loadModel({ modelPath, gpuLayers: 0 });
const context = await model.createContext({ contextSize, sequences: 1, threads });
const sequence = context.getSequence();
// One chat per sequence, reused: constructing a LlamaChat resolves the chat wrapper (~600 ms).
const chat = new LlamaChat({ contextSequence: sequence });

function prompt(round) {
  return `Write a short story about ${topics[round % topics.length]}.`;
}

async function viaCatalyst(round) {
  const start = performance.now();
  let first = 0;
  let outputTokens = 0;
  for await (const event of provider.stream({
    model: 'local',
    messages: [{ role: 'user', content: prompt(round) }],
    signal: new AbortController().signal,
    temperature: 0,
    maxTokens,
  })) {
    if (event.type === 'token' && first === 0) first = performance.now();
    if (event.type === 'done') outputTokens = event.usage.outputTokens;
    if (event.type === 'error') throw new Error(event.error.message);
  }
  return { start, first, end: performance.now(), outputTokens };
}

async function direct(round) {
  const start = performance.now();
  let first = 0;
  const before = sequence.tokenMeter.usedOutputTokens;
  await chat.generateResponse(
    [
      { type: 'user', text: prompt(round) },
      { type: 'model', response: [] },
    ],
    {
      temperature: 0,
      maxTokens,
      onTextChunk: () => {
        if (first === 0) first = performance.now();
      },
    },
  );
  const end = performance.now();
  return { start, first, end, outputTokens: sequence.tokenMeter.usedOutputTokens - before };
}

function summarize(samples) {
  const median = (values) => {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  };
  return {
    ttftMs: median(samples.map((sample) => sample.first - sample.start)),
    // Decode speed: tokens after the first over the time after the first.
    tokensPerSecond: median(
      samples.map((sample) => (sample.outputTokens - 1) / ((sample.end - sample.first) / 1000)),
    ),
    endToEndTokensPerSecond: median(
      samples.map((sample) => sample.outputTokens / ((sample.end - sample.start) / 1000)),
    ),
    outputTokens: median(samples.map((sample) => sample.outputTokens)),
  };
}

// Warm up both paths (model load, first context allocation) outside the measurement.
await viaCatalyst(99);
await direct(99);
const catalystSamples = [];
const directSamples = [];
for (let round = 0; round < rounds; round += 1) {
  // Alternate which path goes first so machine-load drift hits both alike.
  if (round % 2 === 0) {
    catalystSamples.push(await viaCatalyst(round));
    directSamples.push(await direct(round));
  } else {
    directSamples.push(await direct(round));
    catalystSamples.push(await viaCatalyst(round));
  }
}
const catalyst = summarize(catalystSamples);
const baseline = summarize(directSamples);
const ratio = (a, b) => (a / b).toFixed(3);
const packageJson = JSON.parse(
  await readFile(join(here, '..', 'node_modules', 'node-llama-cpp', 'package.json'), 'utf8'),
);
const format = (value, digits = 1) => value.toFixed(digits);

const report = `# Local model benchmark

Generated by \`npm run bench:local\` (bench/local-model.bench.mjs) on ${new Date().toISOString()}.

- Model: \`${modelPath.split('/').at(-1)}\`; node-llama-cpp ${packageJson.version} (CPU prebuilt binary); Node ${process.version}
- Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, load average ${loadavg()
  .map((value) => value.toFixed(1))
  .join(' / ')} at the end
- Settings: ${threads} thread(s), context ${contextSize}, temperature 0, maxTokens ${maxTokens}, ${rounds} rounds per path (medians), distinct prompts per round, alternating order, after one warm-up each

| Path | Time to first token (ms) | Decode tokens/s | End-to-end tokens/s | Output tokens |
| --- | ---: | ---: | ---: | ---: |
| Catalyst \`local\` provider | ${format(catalyst.ttftMs)} | ${format(catalyst.tokensPerSecond)} | ${format(catalyst.endToEndTokensPerSecond)} | ${catalyst.outputTokens} |
| node-llama-cpp direct (LlamaChat) | ${format(baseline.ttftMs)} | ${format(baseline.tokensPerSecond)} | ${format(baseline.endToEndTokensPerSecond)} | ${baseline.outputTokens} |
| **Ratio Catalyst / direct** | **${ratio(catalyst.ttftMs, baseline.ttftMs)}** | **${ratio(catalyst.tokensPerSecond, baseline.tokensPerSecond)}** | **${ratio(catalyst.endToEndTokensPerSecond, baseline.endToEndTokensPerSecond)}** | |

Time-to-first-token ratio below 1 is better; tokens/s ratios above 1 are better. Both paths
reuse one LlamaChat per sequence (building one resolves the chat wrapper, ~600 ms), so the ratio
measures Catalyst's own per-call work: history mapping, tokenizing the rendered prompt for exact
usage, leasing a sequence and the async-iterator bridge. Run-to-run noise on a shared 2-core
machine is about ±10 % on time to first token.
`;
await mkdir(join(here, 'results'), { recursive: true });
await writeFile(join(here, 'results', 'local-model.md'), report);
console.log(report);
await context.dispose();
await model.dispose();
await runtimeModule.disposeLocalRuntimes();
