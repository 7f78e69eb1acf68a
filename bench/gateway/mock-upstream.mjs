#!/usr/bin/env node
/**
 * The benchmark's mock upstream, in its own process (node:http): OpenAI chat completions
 * (streamed SSE chunks, a usage chunk when `stream_options.include_usage`, `data: [DONE]`; or one
 * JSON body), Anthropic Messages (stream and JSON) and Gemini generateContent /
 * streamGenerateContent?alt=sse. Knobs, set with `POST /_mock/config` (JSON) and read back with
 * `GET /_mock/config`: `ttftMs` (time to the first chunk), `gapMs` (between chunks), `chunks`,
 * `chunkBytes` (text per chunk), `failureRate` (share of requests answered 500).
 * `GET /_mock/stats` counts requests and the TCP connections that carried them (a proxy that reuses its upstream
 * connections opens few); `POST /_mock/reset` zeroes them.
 *
 * Usage: node mock-upstream.mjs [--port N]; prints `listening http://127.0.0.1:PORT`.
 */
import { createServer } from 'node:http';

/** The knobs' defaults: an instant 20-chunk answer. */
export const DEFAULT_MOCK_CONFIG = Object.freeze({
  ttftMs: 0,
  gapMs: 0,
  chunks: 20,
  chunkBytes: 4,
  failureRate: 0,
});

/**
 * Creates the mock server (not listening). Exported so the harness test can exercise its shapes
 * in-process.
 */
export function createMockUpstream({ random = Math.random } = {}) {
  let config = { ...DEFAULT_MOCK_CONFIG };
  const stats = { requests: 0, connections: 0, failures: 0 };
  let sequence = 0;
  // socket → the reset generation it was last counted in: after a reset, a kept-alive connection
  // counts again on its next request ("connections that carried requests since the reset").
  const countedSockets = new WeakMap();
  let generation = 0;

  const server = createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://mock');
      if (url.pathname.startsWith('/_mock/')) {
        control({ url, request, response, body: Buffer.concat(chunks).toString('utf8') });
        return;
      }
      stats.requests++;
      // Counted on their first benchmark request, so the harness's own control calls (stats,
      // config) never look like a system opening upstream connections.
      if (countedSockets.get(request.socket) !== generation) {
        countedSockets.set(request.socket, generation);
        stats.connections++;
      }
      let body = {};
      try {
        body = chunks.length > 0 ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
      } catch {
        return sendJson(response, 400, { error: { message: 'invalid JSON', type: 'invalid' } });
      }
      if (config.failureRate > 0 && random() < config.failureRate) {
        stats.failures++;
        return sendJson(response, 500, {
          error: { message: 'mock failure', type: 'server_error' },
        });
      }
      const answer = { id: `mock-${++sequence}`, config: { ...config }, body, response, request };
      if (url.pathname.endsWith('/chat/completions')) return openAiChat(answer);
      if (url.pathname.endsWith('/messages')) return anthropicMessages(answer);
      const gemini = /\/models\/([^/:]+):(streamGenerateContent|generateContent)$/.exec(
        url.pathname,
      );
      if (gemini)
        return geminiContent({ ...answer, stream: gemini[2] === 'streamGenerateContent' });
      sendJson(response, 404, { error: { message: `no mock route ${url.pathname}` } });
    });
  });
  server.keepAliveTimeout = 60_000;

  function control({ url, request, response, body }) {
    if (url.pathname === '/_mock/stats') return sendJson(response, 200, stats);
    if (url.pathname === '/_mock/reset' && request.method === 'POST') {
      stats.requests = 0;
      stats.connections = 0;
      stats.failures = 0;
      generation++;
      return sendJson(response, 200, stats);
    }
    if (url.pathname === '/_mock/config' && request.method === 'POST') {
      config = { ...DEFAULT_MOCK_CONFIG, ...JSON.parse(body || '{}') };
    }
    if (url.pathname === '/_mock/config') return sendJson(response, 200, config);
    sendJson(response, 404, { error: { message: 'unknown control route' } });
  }

  return { server, stats, getConfig: () => config };
}

function sendJson(response, status, value) {
  const text = JSON.stringify(value);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

/** The text of chunk `index`: `chunkBytes` characters, distinct per chunk. */
function chunkText({ index, chunkBytes }) {
  const word = `t${index} `;
  return word.repeat(Math.ceil(chunkBytes / word.length)).slice(0, chunkBytes);
}

/**
 * Writes `frames[i]` at ttft + i × gap after the request (all at once when both are 0), then ends.
 * The chunks keep a schedule, as a provider generating at a fixed rate does: a chunk whose time
 * has passed goes out at once and the next wait is shorter. One timer per gap instead let every
 * late timer push the rest of the stream back, so with 1,000 streams on one core the mock itself
 * ran 1.6× slower than the rate it was asked for and every system's figure carried that.
 */
export function streamFrames({
  response,
  frames,
  config,
  headers,
  clock = { now: () => performance.now(), setTimeout, clearTimeout },
}) {
  response.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    ...headers,
  });
  response.flushHeaders();
  let index = 0;
  let timer;
  let dueAt = clock.now() + config.ttftMs;
  response.on('close', () => clock.clearTimeout(timer));
  const writeNext = () => {
    if (response.destroyed) return;
    // Content chunks are paced by the gap; the trailer frames (usage, [DONE]) follow the last one.
    // Chunks already due (a late timer) go out together, in one pass.
    do {
      response.write(frames[index].text);
      index++;
      if (index < frames.length && config.gapMs > 0 && frames[index].paced) dueAt += config.gapMs;
    } while (
      index < frames.length &&
      (config.gapMs === 0 || !frames[index].paced || dueAt <= clock.now())
    );
    if (index >= frames.length) response.end();
    else timer = clock.setTimeout(writeNext, Math.max(0, dueAt - clock.now()));
  };
  if (config.ttftMs > 0) timer = clock.setTimeout(writeNext, config.ttftMs);
  else writeNext();
}

function promptTokens(body) {
  return Math.max(1, Math.round(JSON.stringify(body).length / 4));
}

function openAiChat({ id, config, body, response }) {
  const model = body.model ?? 'gpt-4.1-mini';
  const created = Math.floor(Date.now() / 1000);
  const usage = {
    prompt_tokens: promptTokens(body.messages ?? body),
    completion_tokens: config.chunks,
    total_tokens: promptTokens(body.messages ?? body) + config.chunks,
  };
  if (!body.stream) {
    let text = '';
    for (let index = 0; index < config.chunks; index++) {
      text += chunkText({ index, chunkBytes: config.chunkBytes });
    }
    return sendJson(response, 200, {
      id,
      object: 'chat.completion',
      created,
      model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: text, refusal: null },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage,
      system_fingerprint: 'fp_mock',
    });
  }
  const base = {
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    system_fingerprint: 'fp_mock',
  };
  const frame = (value, paced = false) => ({ text: `data: ${JSON.stringify(value)}\n\n`, paced });
  const frames = [];
  for (let index = 0; index < config.chunks; index++) {
    const delta =
      index === 0
        ? { role: 'assistant', content: chunkText({ index, chunkBytes: config.chunkBytes }) }
        : { content: chunkText({ index, chunkBytes: config.chunkBytes }) };
    frames.push(
      frame({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: null }] }, true),
    );
  }
  frames.push(
    frame({ ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }] }),
  );
  if (body.stream_options?.include_usage) frames.push(frame({ ...base, choices: [], usage }));
  frames.push({ text: 'data: [DONE]\n\n', paced: false });
  streamFrames({ response, frames, config });
}

function anthropicMessages({ id, config, body, response }) {
  const model = body.model ?? 'claude-haiku-4-5';
  const inputTokens = promptTokens(body.messages ?? body);
  if (!body.stream) {
    let text = '';
    for (let index = 0; index < config.chunks; index++) {
      text += chunkText({ index, chunkBytes: config.chunkBytes });
    }
    return sendJson(response, 200, {
      id,
      type: 'message',
      role: 'assistant',
      model,
      content: [{ type: 'text', text }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: inputTokens, output_tokens: config.chunks },
    });
  }
  const frame = (type, value, paced = false) => ({
    text: `event: ${type}\ndata: ${JSON.stringify({ type, ...value })}\n\n`,
    paced,
  });
  const frames = [
    frame('message_start', {
      message: {
        id,
        type: 'message',
        role: 'assistant',
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: inputTokens, output_tokens: 1 },
      },
    }),
    frame('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
  ];
  for (let index = 0; index < config.chunks; index++) {
    frames.push(
      frame(
        'content_block_delta',
        {
          index: 0,
          delta: { type: 'text_delta', text: chunkText({ index, chunkBytes: config.chunkBytes }) },
        },
        index > 0,
      ),
    );
  }
  frames.push(
    frame('content_block_stop', { index: 0 }),
    frame('message_delta', {
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: config.chunks },
    }),
    frame('message_stop', {}),
  );
  streamFrames({ response, frames, config });
}

function geminiContent({ config, body, response, stream }) {
  const promptTokenCount = promptTokens(body.contents ?? body);
  const usageMetadata = (candidates) => ({
    promptTokenCount,
    candidatesTokenCount: candidates,
    totalTokenCount: promptTokenCount + candidates,
  });
  if (!stream) {
    let text = '';
    for (let index = 0; index < config.chunks; index++) {
      text += chunkText({ index, chunkBytes: config.chunkBytes });
    }
    return sendJson(response, 200, {
      candidates: [
        { content: { parts: [{ text }], role: 'model' }, finishReason: 'STOP', index: 0 },
      ],
      usageMetadata: usageMetadata(config.chunks),
      modelVersion: 'gemini-mock',
    });
  }
  const frames = [];
  for (let index = 0; index < config.chunks; index++) {
    const last = index === config.chunks - 1;
    const candidate = {
      content: {
        parts: [{ text: chunkText({ index, chunkBytes: config.chunkBytes }) }],
        role: 'model',
      },
      index: 0,
      ...(last ? { finishReason: 'STOP' } : {}),
    };
    frames.push({
      text: `data: ${JSON.stringify({ candidates: [candidate], usageMetadata: usageMetadata(index + 1), modelVersion: 'gemini-mock' })}\r\n\r\n`,
      paced: true,
    });
  }
  streamFrames({ response, frames, config });
}

const isMain = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  const portFlag = process.argv.indexOf('--port');
  const port = portFlag >= 0 ? Number(process.argv[portFlag + 1]) : 0;
  const { server } = createMockUpstream();
  server.listen(port, '127.0.0.1', () => {
    console.log(`listening http://127.0.0.1:${server.address().port}`);
  });
}
