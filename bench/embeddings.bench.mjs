#!/usr/bin/env node
/**
 * Benchmark: 10,000 texts embedded through the provider simulator (OpenAI wire protocol, the
 * official SDK), measured in one run:
 *   1. naive — one `embed()` request per text, in a loop (what the seed's code does per item);
 *   2. batched — `embedMany` (batches within OpenAI's 2048-input / 300k-token limits, 4 in flight);
 *   3. cache — `embedMany` again over a warm in-memory LRU (and Redis when redis-server exists):
 *      the same 10,000 texts, no request made.
 * Reports requests, wall time and ratios to stdout and bench/results/embeddings.md.
 *
 * Runs on the built code: `npm run bench:embeddings` builds first (tsc -b).
 * Environment: BENCH_TEXTS (default 10000), BENCH_DIMENSIONS (default 1536).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = (path) => join(here, '..', 'packages', path);
for (const entry of ['providers/dist/index.js', 'simulator/dist/index.js']) {
  if (!existsSync(dist(entry))) {
    console.error(
      `No build at ${dist(entry)}; run \`npx tsc -b\` first (npm run bench:embeddings does).`,
    );
    process.exit(1);
  }
}
const providers = await import(dist('providers/dist/index.js'));
const { startRedisServer } = await import(dist('providers/dist/testing/redis-server.js'));

const count = Number(process.env.BENCH_TEXTS ?? 10_000);
const dimensions = Number(process.env.BENCH_DIMENSIONS ?? 1536);
const model = 'text-embedding-3-small';
const texts = Array.from(
  { length: count },
  (_, index) =>
    `Support article ${index}: how to reset a password, rotate a key and read the audit log.`,
);

// The simulator in its own process, as a remote API would be: its work is not the client's.
const simulatorProcess = spawn(process.execPath, [dist('simulator/dist/bin.js'), '--port', '0'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const simulatorUrl = await new Promise((resolve, reject) => {
  simulatorProcess.once('error', reject);
  simulatorProcess.stdout.once('data', (chunk) => resolve(String(chunk).trim().split(' ').at(-1)));
});
const control = (path, init) => fetch(`${simulatorUrl}/_sim/${path}`, init).then((r) => r.json());
const simulator = {
  url: simulatorUrl,
  requests: () => control('requests'),
  reset: () => control('reset', { method: 'POST' }),
  close: async () => {
    simulatorProcess.kill();
  },
};
const provider = providers.createOpenAIProvider({
  apiKey: 'sk-bench-000000',
  baseUrl: `${simulator.url}/v1`,
  environment: {},
});
const signal = new AbortController().signal;
const embeddingRequests = async () =>
  (await simulator.requests()).filter((entry) => entry.operation === 'embeddings').length;

async function measure(name, run) {
  await simulator.reset();
  const started = performance.now();
  const result = await run();
  const ms = performance.now() - started;
  return { name, ms, requests: await embeddingRequests(), result };
}

// Warm the SDK client and the simulator once, outside every measurement.
await provider.embed({ model, input: ['warm-up'], dimensions, signal });

const naive = await measure('naive loop (1 request per text)', async () => {
  const vectors = [];
  for (const text of texts) {
    const { embeddings } = await provider.embed({ model, input: [text], dimensions, signal });
    vectors.push(embeddings[0]);
  }
  return { embeddings: vectors };
});
const batched = await measure('embedMany, no cache', () =>
  providers.embedMany({ provider, model, input: texts, dimensions, signal, cache: null }),
);
const memory = providers.createMemoryEmbeddingCache();
const memoryCold = await measure('embedMany, memory cache cold', () =>
  providers.embedMany({ provider, model, input: texts, dimensions, signal, cache: memory }),
);
const memoryWarm = await measure('embedMany, memory cache warm (all hits)', () =>
  providers.embedMany({ provider, model, input: texts, dimensions, signal, cache: memory }),
);

const rows = [naive, batched, memoryCold, memoryWarm];
let redisNote = 'redis-server not installed: Redis rows skipped.';
if (spawnSync('redis-server', ['--version']).status === 0) {
  const redis = await startRedisServer();
  const cache = providers.createRedisEmbeddingCache({ url: redis.url, timeoutMs: 30_000 });
  rows.push(
    await measure('embedMany, Redis cache cold', () =>
      providers.embedMany({ provider, model, input: texts, dimensions, signal, cache }),
    ),
  );
  rows.push(
    await measure('embedMany, Redis cache warm (all hits)', () =>
      providers.embedMany({ provider, model, input: texts, dimensions, signal, cache }),
    ),
  );
  await cache.close();
  await redis.close();
  redisNote = 'Redis: a local redis-server (no persistence), one MGET per 1000 keys.';
}
await simulator.close();

// Every way must give the very same vectors.
for (const row of rows.slice(1)) {
  const same = row.result.embeddings.every(
    (vector, index) =>
      vector.length === naive.result.embeddings[index].length &&
      vector.every((value, position) => value === naive.result.embeddings[index][position]),
  );
  if (!same) throw new Error(`${row.name} gave different vectors than the naive loop`);
}

const ratio = (a, b) => (a / b).toFixed(1);
const format = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
const warmRedis = rows.find((row) => row.name.startsWith('embedMany, Redis cache warm'));
const lines = [
  '# Embeddings benchmark',
  '',
  `${count.toLocaleString('en-US')} texts, \`${model}\` at ${dimensions} dimensions, against the provider simulator in its own process (OpenAI wire protocol through the official \`openai\` SDK, base64 vectors) on 127.0.0.1, all in one run of \`npm run bench:embeddings\`. Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}. The simulator answers at once, so these times are client + simulator CPU (2 cores shared) + local HTTP + vector (de)serialisation: against a real API each request also costs a network round trip and queueing, which makes the request count matter even more.`,
  '',
  '| Run | Requests | Wall time | Per text |',
  '| --- | ---: | ---: | ---: |',
  ...rows.map(
    (row) =>
      `| ${row.name} | ${row.requests.toLocaleString('en-US')} | ${format(row.ms)} | ${((row.ms * 1000) / count).toFixed(1)} µs |`,
  ),
  '',
  'Ratios (same run):',
  '',
  `- requests: naive / batched = ${ratio(naive.requests, batched.requests)}× (${naive.requests} vs ${batched.requests})`,
  `- wall time: naive / batched = ${ratio(naive.ms, batched.ms)}×`,
  `- a warm memory-cache run costs ${ratio(memoryWarm.ms * 100, batched.ms)}% of a batched uncached run (${ratio(batched.ms, memoryWarm.ms)}× faster), with 0 requests and 0 tokens billed`,
  ...(warmRedis
    ? [
        `- a warm Redis-cache run costs ${ratio(warmRedis.ms * 100, batched.ms)}% of a batched uncached run (${ratio(batched.ms, warmRedis.ms)}× faster), with 0 requests`,
      ]
    : []),
  `- one cache hit: ${((memoryWarm.ms * 1000) / count).toFixed(1)} µs (memory)${warmRedis ? `, ${((warmRedis.ms * 1000) / count).toFixed(1)} µs (Redis)` : ''}; one text in the batched uncached run: ${((batched.ms * 1000) / count).toFixed(1)} µs`,
  '',
  `All runs returned identical vectors. ${redisNote}`,
  '',
];
const report = lines.join('\n');
console.log(report);
await mkdir(join(here, 'results'), { recursive: true });
await writeFile(join(here, 'results', 'embeddings.md'), report);
