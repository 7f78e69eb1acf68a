#!/usr/bin/env node
/**
 * Benchmark: CPU per stream of one provider, the direct client (undici + the vendor's framing
 * rules, shipped) against the official SDK (the oracle), through the whole provider
 * (`create…ProviderOver({ transport }).stream()`, retries and timeouts included).
 *
 * `--provider anthropic`: `createAnthropicProviderOver` against `@anthropic-ai/sdk`, the upstream
 * answering one Messages stream of BENCH_CHUNKS text deltas.
 * `--provider gemini`: `createGeminiProviderOver` against `@google/genai`, the upstream answering
 * one `streamGenerateContent?alt=sse` stream of BENCH_CHUNKS text chunks, framed as Google frames it.
 *
 * A local upstream in a child process (its CPU is not counted) answers every request at once with
 * the whole stream in one write; this process runs BENCH_STREAMS streams one after another through
 * each path, back to back, BENCH_REPEATS times, alternating which path goes first, and prints the
 * CPU microseconds per stream (process.cpuUsage, user + system) with the load average. Nothing
 * leaves 127.0.0.1.
 *
 * Runs on the built code: `npx tsc -b && node bench/provider-paths.bench.mjs --provider anthropic`
 * (or `--provider gemini`).
 * Environment: BENCH_STREAMS (default 2000), BENCH_CHUNKS (default 20), BENCH_REPEATS (default 3).
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const STREAMS = Number(process.env.BENCH_STREAMS ?? 2000);
const CHUNKS = Number(process.env.BENCH_CHUNKS ?? 20);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);

/** What differs between the vendors: the provider entry, its factory, a key and the stream shape. */
const PROVIDERS = {
  anthropic: {
    entry: 'packages/providers/dist/anthropic/anthropic-provider.js',
    factory: 'createAnthropicProviderOver',
    apiKey: 'sk-ant-bench',
    model: 'claude-haiku-4-5',
    headers: { 'request-id': 'req_bench' },
    frames: anthropicFrames,
  },
  gemini: {
    entry: 'packages/providers/dist/gemini/gemini-provider.js',
    factory: 'createGeminiProviderOver',
    apiKey: 'AIza-bench',
    model: 'gemini-2.5-flash',
    headers: {},
    frames: geminiFrames,
  },
};

const { values: options } = parseArgs({
  options: { provider: { type: 'string' }, upstream: { type: 'boolean', default: false } },
});
const vendor = PROVIDERS[options.provider];
if (!vendor) {
  console.error(
    `Usage: node bench/provider-paths.bench.mjs --provider ${Object.keys(PROVIDERS).join('|')}`,
  );
  process.exit(1);
}

if (options.upstream) {
  serveUpstream();
} else {
  await measure();
}

/** One Anthropic Messages stream: message start, BENCH_CHUNKS text deltas, stop. */
function anthropicFrames(model) {
  const frame = (type, data) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  const frames = [
    frame('message_start', {
      message: {
        id: 'msg_bench',
        type: 'message',
        role: 'assistant',
        content: [],
        model,
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 12, output_tokens: 1 },
      },
    }),
    frame('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
    frame('ping', {}),
  ];
  for (let index = 0; index < CHUNKS; index += 1) {
    frames.push(
      frame('content_block_delta', {
        index: 0,
        delta: { type: 'text_delta', text: ` token${index}` },
      }),
    );
  }
  frames.push(
    frame('content_block_stop', { index: 0 }),
    frame('message_delta', {
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: CHUNKS },
    }),
    frame('message_stop', {}),
  );
  return frames;
}

/** One Gemini stream: BENCH_CHUNKS chunks, the last with its finish reason, CRLF-framed. */
function geminiFrames(model) {
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
      modelVersion: model,
      responseId: 'resp_bench',
    };
    frames.push(`data: ${JSON.stringify(chunk)}\r\n\r\n`);
  }
  return frames;
}

/** The child: one stream per request, all frames in one write. */
function serveUpstream() {
  const body = vendor.frames(vendor.model).join('');
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'text/event-stream', ...vendor.headers });
      response.end(body);
    });
  });
  server.listen(0, '127.0.0.1', () => process.send?.(server.address().port));
}

async function measure() {
  const here = dirname(fileURLToPath(import.meta.url));
  const entry = join(here, '..', vendor.entry);
  if (!existsSync(entry)) {
    console.error(`No build at ${entry}; run \`npx tsc -b\` first.`);
    process.exit(1);
  }
  const createProviderOver = (await import(pathToFileURL(entry).href))[vendor.factory];
  const upstream = fork(
    fileURLToPath(import.meta.url),
    ['--upstream', '--provider', options.provider],
    { env: { ...process.env } },
  );
  const [port] = await once(upstream, 'message');
  const settings = {
    apiKey: vendor.apiKey,
    baseUrl: `http://127.0.0.1:${port}`,
    environment: {},
  };
  const providers = {
    direct: createProviderOver({ ...settings, transport: 'direct' }),
    sdk: createProviderOver({ ...settings, transport: 'sdk' }),
  };

  async function run(path, count) {
    const provider = providers[path];
    for (let index = 0; index < count; index += 1) {
      let tokens = 0;
      let last;
      for await (const event of provider.stream({
        model: vendor.model,
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
    `${options.provider}: ${STREAMS} streams × ${CHUNKS} chunks per path, ${REPEATS} repeats; Node ${process.version}`,
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
