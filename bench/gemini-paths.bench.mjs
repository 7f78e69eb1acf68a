#!/usr/bin/env node
/**
 * Benchmark: CPU per Gemini stream, the direct client (undici + the SDK's framing rules, shipped)
 * against the official SDK (`@google/genai`, the oracle), through the whole provider
 * (`createGeminiProviderOver({ transport }).stream()`, retries and timeouts included).
 *
 * A local upstream in a child process (its CPU is not counted) answers every request at once with
 * one `streamGenerateContent?alt=sse` stream of BENCH_CHUNKS text chunks; this process runs
 * BENCH_STREAMS streams one after another through each path, back to back, BENCH_REPEATS times, alternating which path goes first,
 * and prints the CPU microseconds per stream (process.cpuUsage, user + system) with the load
 * average. Nothing leaves 127.0.0.1.
 *
 * Runs on the built code: `npx tsc -b && node bench/gemini-paths.bench.mjs`.
 * Environment: BENCH_STREAMS (default 2000), BENCH_CHUNKS (default 20), BENCH_REPEATS (default 3).
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const STREAMS = Number(process.env.BENCH_STREAMS ?? 2000);
const CHUNKS = Number(process.env.BENCH_CHUNKS ?? 20);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const MODEL = 'gemini-2.5-flash';

if (process.argv[2] === '--upstream') {
  serveUpstream();
} else {
  await measure();
}

/** The child: one Gemini stream per request, all frames in one write, as Google frames them. */
function serveUpstream() {
  const frames = [];
  for (let index = 0; index < CHUNKS; index += 1) {
    const last = index === CHUNKS - 1;
    const chunk = {
      candidates: [
        {
          content: { parts: [{ text: ` token${index}` }], role: 'model' },
          ...(last && { finishReason: 'STOP' }),
          index: 0,
        },
      ],
      // Google repeats the cumulative usage, the model and the response id on every chunk.
      usageMetadata: {
        promptTokenCount: 12,
        candidatesTokenCount: index + 1,
        totalTokenCount: 13 + index,
      },
      modelVersion: MODEL,
      responseId: 'resp_bench',
    };
    frames.push(`data: ${JSON.stringify(chunk)}\r\n\r\n`);
  }
  const body = frames.join('');
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.end(body);
    });
  });
  server.listen(0, '127.0.0.1', () => process.send?.(server.address().port));
}

async function measure() {
  const here = dirname(fileURLToPath(import.meta.url));
  const entry = join(here, '..', 'packages/providers/dist/gemini/gemini-provider.js');
  if (!existsSync(entry)) {
    console.error(`No build at ${entry}; run \`npx tsc -b\` first.`);
    process.exit(1);
  }
  const { createGeminiProviderOver } = await import(pathToFileURL(entry).href);
  const upstream = fork(fileURLToPath(import.meta.url), ['--upstream'], {
    env: { ...process.env },
  });
  const [port] = await once(upstream, 'message');
  const settings = {
    apiKey: 'AIza-bench',
    baseUrl: `http://127.0.0.1:${port}`,
    environment: {},
  };
  const providers = {
    direct: createGeminiProviderOver({ ...settings, transport: 'direct' }),
    sdk: createGeminiProviderOver({ ...settings, transport: 'sdk' }),
  };

  async function run(path, count) {
    const provider = providers[path];
    for (let index = 0; index < count; index += 1) {
      let tokens = 0;
      let last;
      for await (const event of provider.stream({
        model: MODEL,
        messages: [{ role: 'user', content: 'Say twenty tokens' }],
        signal: AbortSignal.timeout(30_000),
        maxRetries: 0,
      })) {
        if (event.type === 'token') tokens += 1;
        last = event;
      }
      if (last?.type !== 'done' || tokens !== CHUNKS) {
        throw new Error(`${path}: expected ${CHUNKS} tokens and done, got ${JSON.stringify(last)}`);
      }
    }
  }

  // Warm both paths (JIT, the connection pool, lazy imports) before measuring.
  await run('direct', 200);
  await run('sdk', 200);

  const results = { direct: [], sdk: [] };
  console.log(
    `${STREAMS} streams × ${CHUNKS} chunks per path, ${REPEATS} repeats; Node ${process.version}`,
  );
  for (let repeat = 0; repeat < REPEATS; repeat += 1) {
    const order = repeat % 2 === 0 ? ['direct', 'sdk'] : ['sdk', 'direct'];
    for (const path of order) {
      const load = loadavg()[0].toFixed(2);
      const before = process.cpuUsage();
      const started = process.hrtime.bigint();
      await run(path, STREAMS);
      const used = process.cpuUsage(before);
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      const perStream = (used.user + used.system) / STREAMS;
      results[path].push(perStream);
      console.log(
        `repeat ${repeat + 1} ${path.padEnd(6)} ${perStream.toFixed(0).padStart(5)} µs CPU/stream  ` +
          `${(wallMs / STREAMS).toFixed(3)} ms wall/stream  load ${load}`,
      );
    }
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const direct = median(results.direct);
  const sdk = median(results.sdk);
  console.log(
    `median: direct ${direct.toFixed(0)} µs, sdk ${sdk.toFixed(0)} µs per stream ` +
      `(direct = ${((direct / sdk) * 100).toFixed(0)} % of sdk); load now ${loadavg()
        .map((value) => value.toFixed(2))
        .join(' ')}`,
  );
  upstream.kill();
}
