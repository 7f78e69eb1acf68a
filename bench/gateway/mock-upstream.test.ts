import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SseCounter } from './lib/sse-counter.mjs';
import { createMockUpstream, streamFrames } from './mock-upstream.mjs';

// The mock in-process on an ephemeral port: the shapes the benchmark's numbers rest on.
let base = '';
const mock = createMockUpstream({ random: () => 0.5 });
beforeAll(async () => {
  await new Promise<void>((resolve) => mock.server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(mock.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  mock.server.closeAllConnections();
  await new Promise((resolve) => mock.server.close(resolve));
});

const post = (path: string, body: unknown) =>
  fetch(`${base}${path}`, { method: 'POST', body: JSON.stringify(body) });
const configure = (config: object) => post('/_mock/config', config).then((r) => r.json());

describe('mock upstream', () => {
  it('streams OpenAI chunks, then a usage chunk when asked, then [DONE]', async () => {
    await configure({ chunks: 5, chunkBytes: 3 });
    const response = await post('/v1/chat/completions', {
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const text = await response.text();
    const counter = new SseCounter({ format: 'openai' });
    counter.push(text);
    expect(counter.contentEvents).toBe(5);
    expect(counter.terminalEvents).toBe(1);
    expect(text).toContain('"usage":{"prompt_tokens"');
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('answers non-stream requests with one chat.completion of chunks × chunkBytes characters', async () => {
    await configure({ chunks: 4, chunkBytes: 10 });
    const body = await post('/v1/chat/completions', { model: 'm', messages: [] }).then((r) =>
      r.json(),
    );
    expect(body.object).toBe('chat.completion');
    expect(body.choices[0].message.content).toHaveLength(40);
    expect(body.usage.completion_tokens).toBe(4);
  });

  it('speaks Anthropic Messages and Gemini stream shapes', async () => {
    await configure({ chunks: 3 });
    const anthropic = await post('/v1/messages', { model: 'c', messages: [], stream: true }).then(
      (r) => r.text(),
    );
    expect(anthropic.match(/event: content_block_delta/g)).toHaveLength(3);
    expect(anthropic.trimEnd().endsWith('data: {"type":"message_stop"}')).toBe(true);
    const gemini = await post('/v1beta/models/gemini-x:streamGenerateContent?alt=sse', {
      contents: [],
    }).then((r) => r.text());
    const chunks = gemini.split('\r\n\r\n').filter(Boolean);
    expect(chunks).toHaveLength(3);
    expect(chunks.at(-1)).toContain('"finishReason":"STOP"');
  });

  it('fails the configured share of requests and counts connections, not control calls', async () => {
    await post('/_mock/reset', {});
    await configure({ failureRate: 0.6 });
    const failed = await post('/v1/chat/completions', { model: 'm', messages: [] });
    expect(failed.status).toBe(500);
    await failed.arrayBuffer();
    await configure({ failureRate: 0.4 });
    const passed = await post('/v1/chat/completions', { model: 'm', messages: [] });
    expect(passed.status).toBe(200);
    await passed.arrayBuffer();
    const stats = await fetch(`${base}/_mock/stats`).then((r) => r.json());
    expect(stats).toEqual({ requests: 2, connections: 1, failures: 1 });
  });

  it('keeps its chunk schedule when every timer fires late', () => {
    // A fake clock whose timers each fire `lateMs` after they were due: how a loaded core treats
    // 1,000 streams' timers. Chunk k is due k × gap after the start; the stream must end within
    // one late timer of 49 × 20 ms, not 49 × (20 + 7) ms as one timer per gap did.
    const lateMs = 7;
    let clockMs = 0;
    const timers: { at: number; run: () => void }[] = [];
    const clock = {
      now: () => clockMs,
      setTimeout: (run: () => void, ms: number) => {
        const timer = { at: clockMs + ms + lateMs, run };
        timers.push(timer);
        return timer;
      },
      clearTimeout: () => {},
    };
    const writes: number[] = [];
    let endedAt = Number.NaN;
    const response = {
      destroyed: false,
      writeHead: () => {},
      flushHeaders: () => {},
      on: () => {},
      write: () => writes.push(clockMs),
      end: () => {
        endedAt = clockMs;
      },
    };
    const frames = [
      ...Array.from({ length: 50 }, () => ({ text: 'data: {}\n\n', paced: true })),
      { text: 'data: [DONE]\n\n', paced: false },
    ];
    streamFrames({ response, frames, config: { ttftMs: 0, gapMs: 20 }, clock });
    while (timers.length > 0) {
      const next = timers.shift() as { at: number; run: () => void };
      clockMs = next.at;
      next.run();
    }
    expect(writes).toHaveLength(51);
    expect(endedAt).toBeGreaterThanOrEqual(49 * 20);
    expect(endedAt).toBeLessThanOrEqual(49 * 20 + lateMs);
    // No chunk ever goes out before its time.
    const early = writes.slice(0, 50).filter((at, chunk) => at < chunk * 20);
    expect(early).toEqual([]);
  });
});
