import type { ChatRequest, StreamEvent } from '@catalyst/spec';
import { GoogleGenAI, MediaModality } from '@google/genai';
import { describe, expect, it } from 'vitest';
import {
  FETCH_OWN_HEADERS,
  type LocalServer,
  type SeenRequest,
  startLocalServer,
  type TransportPath,
  withoutRequestIds,
} from '../testing/index.js';
import { geminiHttpStreamClient } from './gemini-http-stream-client.js';
import { createGeminiProviderOver } from './gemini-provider.js';
import { type GeminiStreamClient, geminiSdkStreamClient } from './gemini-stream-client.js';
import { mergeUsageMetadata } from './gemini-stream-continuation.js';

// Automatic continuation on the direct path against `@google/genai` as the oracle. Neither the
// simulator nor a recording has continuation tokens, so a local server scripts the hops: each
// request gets the next hop of the script, and every request is recorded. Both paths must send
// the same requests, hop for hop, and give the same events.
const KEY = 'AIzaSECRET1234567890';
const MODEL = 'gemini-2.5-flash';

/** What the server does with one request: a status and body, or SSE frames then an ending. */
type Hop =
  | { status: number; contentType: string; body: string }
  | { frames: unknown[]; ending: 'close' | 'drop' | 'hang' }
  | { silent: true };

interface Seen {
  url: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

// What the SDK (and fetch under it) sends that the direct path leaves out on purpose, and the
// connection's own headers.
const NOT_MIRRORED = new Set(['user-agent', 'x-goog-api-client', ...FETCH_OWN_HEADERS]);

/** A server that plays `hops` in order (the last again if more requests come). */
function scriptedServer(hops: Hop[]): Promise<LocalServer> {
  let requests = 0;
  return startLocalServer((response) => {
    requests += 1;
    const hop = hops[Math.min(requests, hops.length) - 1];
    if (!hop) throw new Error('a script has at least one hop');
    // Never answers: the client's time-out must end the hop.
    if ('silent' in hop) return;
    if ('status' in hop) {
      response.writeHead(hop.status, { 'content-type': hop.contentType });
      response.end(hop.body);
      return;
    }
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.flushHeaders();
    for (const data of hop.frames) response.write(`data: ${JSON.stringify(data)}\r\n\r\n`);
    if (hop.ending === 'close') {
      response.end();
    } else if (hop.ending === 'drop') {
      // Let the frames reach the client first, then cut the connection mid-answer.
      setTimeout(() => response.socket?.destroy(), 30);
    }
  });
}

/** What both paths must agree on in the requests a server saw: the body parsed, no client-own headers. */
function comparable(requests: readonly SeenRequest[]): Seen[] {
  return requests.map(({ url, headers, body }) => ({
    url,
    headers: Object.fromEntries(
      Object.entries(headers).filter(([name]) => !NOT_MIRRORED.has(name)),
    ),
    body: JSON.parse(body),
  }));
}

function request(fields: Partial<ChatRequest> = {}): ChatRequest {
  return {
    model: MODEL,
    messages: [{ role: 'user', content: 'Write a long story.' }],
    signal: AbortSignal.timeout(10_000),
    maxRetries: 0,
    ...fields,
  };
}

/**
 * Runs the provider over `hops` once per path, each against its own server; `abortAfter`
 * aborts the request once that text has streamed.
 */
async function bothPaths(
  hops: Hop[],
  options: { fields?: Partial<ChatRequest>; abortAfter?: string; timeoutMs?: number } = {},
): Promise<Record<TransportPath, { events: unknown[]; raw: StreamEvent[]; seen: Seen[] }>> {
  const { fields = {}, abortAfter, timeoutMs = 5_000 } = options;
  const results = {} as Record<
    TransportPath,
    { events: unknown[]; raw: StreamEvent[]; seen: Seen[] }
  >;
  for (const path of ['direct', 'sdk'] as const) {
    const local = await scriptedServer(hops);
    try {
      const provider = createGeminiProviderOver({
        transport: path,
        apiKey: KEY,
        baseUrl: local.url,
        timeoutMs,
        environment: {},
      });
      const controller = new AbortController();
      const raw: StreamEvent[] = [];
      for await (const event of provider.stream(
        request({
          ...fields,
          signal: AbortSignal.any([controller.signal, AbortSignal.timeout(10_000)]),
        }),
      )) {
        raw.push(event);
        if (event.type === 'token' && event.text === abortAfter) controller.abort();
      }
      results[path] = { events: withoutRequestIds(raw), raw, seen: comparable(local.seen) };
    } finally {
      await local.close();
    }
  }
  return results;
}

/** Both paths gave the same events and sent the same requests, hop for hop; the direct path's. */
async function compare(
  hops: Hop[],
  options: Parameters<typeof bothPaths>[1] = {},
): Promise<{ raw: StreamEvent[]; seen: Seen[] }> {
  const { direct, sdk } = await bothPaths(hops, options);
  expect(direct.events).toEqual(sdk.events);
  expect(direct.seen).toEqual(sdk.seen);
  return direct;
}

function text(value: string, fields: Record<string, unknown> = {}): unknown {
  return {
    candidates: [{ content: { parts: [{ text: value }], role: 'model' }, index: 0, ...fields }],
    modelVersion: MODEL,
    responseId: 'resp_hop',
  };
}

function usage(prompt: number, candidates: number): Record<string, unknown> {
  return {
    promptTokenCount: prompt,
    candidatesTokenCount: candidates,
    totalTokenCount: prompt + candidates,
  };
}

/** A first hop that streams `one ` and ends with CONTINUATION and the token `tok-1`. */
const ONE_THEN_CONTINUATION: Hop = {
  frames: [text('one ', { continuationToken: 'tok-1', finishReason: 'CONTINUATION' })],
  ending: 'close',
};

function textOf(events: StreamEvent[]): string {
  return events.map((event) => (event.type === 'token' ? event.text : '')).join('');
}

describe('automatic continuation: the direct path continues a stream as the SDK does', () => {
  it('(a) a hop that ends with CONTINUATION and a token is followed by one that resumes from it', async () => {
    const { raw, seen } = await compare([
      {
        frames: [
          text('Once upon '),
          text('a time', { continuationToken: 'tok-1', finishReason: 'CONTINUATION' }),
        ],
        ending: 'close',
      },
      { frames: [text(' the end.', { finishReason: 'STOP' })], ending: 'close' },
    ]);
    expect(seen).toHaveLength(2);
    expect(seen[0]?.body.continuationToken).toBeUndefined();
    // The same request again, with the token where the SDK puts it.
    expect(seen[1]?.body).toEqual({ ...seen[0]?.body, continuationToken: 'tok-1' });
    expect(seen[1]?.url).toBe(seen[0]?.url);
    expect({ ...seen[1]?.headers, 'content-length': '' }).toEqual({
      ...seen[0]?.headers,
      'content-length': '',
    });
    expect(textOf(raw)).toBe('Once upon a time the end.');
    expect(raw.at(-1)).toMatchObject({
      type: 'done',
      text: 'Once upon a time the end.',
      finishReason: 'stop',
    });
  });

  it('(b) checkpoints without a finishReason, then a clean close: resumes from the latest token', async () => {
    const { raw, seen } = await compare([
      {
        frames: [
          text('one ', { continuationToken: 'tok-1' }),
          text('two ', { continuationToken: 'tok-2' }),
          text('three '),
        ],
        ending: 'close',
      },
      { frames: [text('four', { finishReason: 'STOP' })], ending: 'close' },
    ]);
    expect(seen.map((hop) => hop.body.continuationToken)).toEqual([undefined, 'tok-2']);
    expect(textOf(raw)).toBe('one two three four');
    expect(raw.at(-1)).toMatchObject({ type: 'done' });
  });

  it('(c) a drop before any content, with no token: no second request, the error', async () => {
    const { raw, seen } = await compare([
      { frames: [], ending: 'drop' },
      { frames: [text('never sent', { finishReason: 'STOP' })], ending: 'close' },
    ]);
    expect(seen).toHaveLength(1);
    expect(raw.at(-1)).toMatchObject({ type: 'error', error: { kind: 'network' } });
  });

  it('(d) a drop after a checkpoint token: resumes from it', async () => {
    const { raw, seen } = await compare([
      { frames: [text('one ', { continuationToken: 'tok-1' }), text('two ')], ending: 'drop' },
      { frames: [text('three', { finishReason: 'STOP' })], ending: 'close' },
    ]);
    expect(seen.map((hop) => hop.body.continuationToken)).toEqual([undefined, 'tok-1']);
    expect(textOf(raw)).toBe('one two three');
    expect(raw.at(-1)).toMatchObject({ type: 'done' });
  });

  it('(e) hops that drop without progress: three retries from the token, then the error', async () => {
    const { raw, seen } = await compare([
      { frames: [text('one ', { continuationToken: 'tok-1' })], ending: 'drop' },
      { frames: [], ending: 'drop' },
    ]);
    // The checkpointed hop, one retry that counts as none, and three more (the SDK's limit).
    expect(seen.map((hop) => hop.body.continuationToken)).toEqual([
      undefined,
      'tok-1',
      'tok-1',
      'tok-1',
      'tok-1',
    ]);
    expect(raw.at(-1)).toMatchObject({ type: 'error', error: { kind: 'network' } });
  });

  it('(e) a drop, then clean closes without progress: gives up with the drop’s error', async () => {
    const { raw, seen } = await compare([
      { frames: [text('one ', { continuationToken: 'tok-1' })], ending: 'drop' },
      { frames: [], ending: 'close' },
    ]);
    expect(seen).toHaveLength(5);
    expect(raw.at(-1)).toMatchObject({ type: 'error', error: { kind: 'network' } });
  });

  it('(e) clean closes without progress and no error: the stream just ends', async () => {
    const { raw, seen } = await compare([
      { frames: [text('one ', { continuationToken: 'tok-1' })], ending: 'close' },
      { frames: [], ending: 'close' },
    ]);
    expect(seen).toHaveLength(5);
    expect(textOf(raw)).toBe('one ');
    expect(raw.some((event) => event.type === 'error')).toBe(false);
  });

  it('(f) an HTTP error on a continuation hop is thrown, not retried', async () => {
    const { raw, seen } = await compare([
      {
        frames: [text('one ', { continuationToken: 'tok-1', finishReason: 'CONTINUATION' })],
        ending: 'close',
      },
      {
        status: 429,
        contentType: 'application/json; charset=UTF-8',
        body: JSON.stringify({
          error: { code: 429, message: 'Resource exhausted', status: 'RESOURCE_EXHAUSTED' },
        }),
      },
      { frames: [text('never sent', { finishReason: 'STOP' })], ending: 'close' },
    ]);
    expect(seen).toHaveLength(2);
    expect(raw.at(-1)).toMatchObject({ type: 'error', error: { kind: 'rate_limit', status: 429 } });
  });

  it('(f) an in-stream error after a hop’s first chunk resumes from its checkpoint', async () => {
    const { raw, seen } = await compare([
      {
        frames: [text('one ', { continuationToken: 'tok-1', finishReason: 'CONTINUATION' })],
        ending: 'close',
      },
      {
        frames: [
          text('two ', { continuationToken: 'tok-2' }),
          { error: { code: 503, message: 'busy', status: 'UNAVAILABLE' } },
        ],
        ending: 'close',
      },
      { frames: [text('three', { finishReason: 'STOP' })], ending: 'close' },
    ]);
    expect(seen.map((hop) => hop.body.continuationToken)).toEqual([undefined, 'tok-1', 'tok-2']);
    expect(textOf(raw)).toBe('one two three');
  });

  it('(f) a plain-text 503 on a continuation hop: the same error on both paths', async () => {
    const { raw, seen } = await compare([
      {
        frames: [text('one ', { continuationToken: 'tok-1', finishReason: 'CONTINUATION' })],
        ending: 'close',
      },
      { status: 503, contentType: 'text/plain', body: 'Service Unavailable' },
    ]);
    expect(seen).toHaveLength(2);
    expect(raw.at(-1)).toMatchObject({ type: 'error', error: { status: 503 } });
  });

  it('(g) usage is summed across hops, each hop counting its own latest total', async () => {
    const { raw } = await compare([
      {
        frames: [
          { ...(text('one ') as object), usageMetadata: usage(10, 1) },
          {
            ...(text('two ', {
              continuationToken: 'tok-1',
              finishReason: 'CONTINUATION',
            }) as object),
            usageMetadata: { ...usage(10, 2), thoughtsTokenCount: 5 },
          },
        ],
        ending: 'close',
      },
      {
        frames: [
          {
            ...(text('three', { finishReason: 'STOP' }) as object),
            usageMetadata: { ...usage(14, 3), thoughtsTokenCount: 1 },
          },
        ],
        ending: 'close',
      },
    ]);
    // Hop 1's latest (10 in, 2 + 5 out) plus hop 2's (14 in, 3 + 1 out).
    expect(raw.at(-1)).toMatchObject({
      type: 'done',
      usage: { inputTokens: 24, outputTokens: 11, reasoningTokens: 6 },
    });
  });

  it('an abort during a continuation hop ends the stream there, with no further hop', async () => {
    const { raw, seen } = await compare(
      [
        ONE_THEN_CONTINUATION,
        { frames: [text('two ', { continuationToken: 'tok-2' })], ending: 'hang' },
      ],
      { abortAfter: 'two ' },
    );
    expect(seen).toHaveLength(2);
    expect(raw.at(-1)).toMatchObject({ type: 'error', partialText: 'one two ' });
  });

  it('a continuation hop that outlives timeoutMs ends the stream, as the SDK’s abort timer does', async () => {
    const { raw, seen } = await compare([ONE_THEN_CONTINUATION, { silent: true }], {
      timeoutMs: 300,
    });
    // Not resumed: a time-out is the SDK's AbortError, not a dropped connection.
    expect(seen).toHaveLength(2);
    expect(raw.at(-1)).toMatchObject({ type: 'error', partialText: 'one ' });
  });

  it('automaticContinuation: false in providerOptions: one request, sent directly, as the SDK', async () => {
    const { raw, seen } = await compare(
      [ONE_THEN_CONTINUATION, { frames: [text('two', { finishReason: 'STOP' })], ending: 'close' }],
      { fields: { providerOptions: { automaticContinuation: false } } },
    );
    expect(seen).toHaveLength(1);
    // Not sent on the wire by either path.
    expect(seen[0]?.body.automaticContinuation).toBeUndefined();
    expect(textOf(raw)).toBe('one ');
    // The hop's CONTINUATION stays, as the SDK leaves it when it does not continue.
    expect(raw.at(-1)).toMatchObject({ type: 'done', finishReason: 'other' });
  });
});

/** The chunks a stream client yields for `hops`, as JSON (the SDK's own `sdkHttpResponse` off). */
async function chunksOver(path: TransportPath, hops: Hop[]): Promise<unknown[]> {
  const local = await scriptedServer(hops);
  try {
    const sdk = geminiSdkStreamClient(
      new GoogleGenAI({ apiKey: KEY, httpOptions: { baseUrl: local.url } }),
    );
    const client: GeminiStreamClient =
      path === 'sdk'
        ? sdk
        : geminiHttpStreamClient({ apiKey: KEY, baseUrl: local.url, fallback: sdk });
    const chunks = await client.streamGenerateContent({
      parameters: { model: MODEL, contents: [{ role: 'user', parts: [{ text: 'Go.' }] }] },
      signal: AbortSignal.timeout(10_000),
      captured: {},
    });
    const seen: unknown[] = [];
    for await (const chunk of chunks) {
      const { sdkHttpResponse: _, ...fields } = chunk as Record<string, unknown>;
      const initial = (chunk.usageMetadata as { initialPromptTokenCount?: number } | undefined)
        ?.initialPromptTokenCount;
      seen.push({ ...JSON.parse(JSON.stringify(fields)), initial });
    }
    return seen;
  } finally {
    await local.close();
  }
}

describe('the chunks themselves: usage merged field for field as the SDK merges it', () => {
  it('counts summed, modality details summed by modality, the first prompt count kept', async () => {
    const details = (text: number, image: number) => [
      { modality: 'TEXT', tokenCount: text },
      { modality: 'IMAGE', tokenCount: image },
    ];
    const hops: Hop[] = [
      {
        frames: [
          {
            ...(text('one ', { continuationToken: 'tok-1' }) as object),
            usageMetadata: { ...usage(10, 1), promptTokensDetails: details(8, 2) },
          },
          {
            ...(text('two ', {
              continuationToken: 'tok-2',
              finishReason: 'CONTINUATION',
            }) as object),
            usageMetadata: {
              ...usage(10, 2),
              promptTokensDetails: details(8, 2),
              trafficType: 'ON_DEMAND',
            },
          },
        ],
        ending: 'close',
      },
      {
        frames: [
          {
            ...(text('three', { finishReason: 'STOP' }) as object),
            usageMetadata: {
              ...usage(12, 4),
              promptTokensDetails: [{ modality: 'AUDIO', tokenCount: 1 }, ...details(9, 2)],
              cachedContentTokenCount: 6,
            },
          },
        ],
        ending: 'close',
      },
    ];
    const direct = await chunksOver('direct', hops);
    const sdk = await chunksOver('sdk', hops);
    expect(direct).toEqual(sdk);
    expect(direct.at(-1)).toMatchObject({
      usageMetadata: {
        promptTokenCount: 22,
        candidatesTokenCount: 6,
        totalTokenCount: 28,
        cachedContentTokenCount: 6,
        trafficType: 'ON_DEMAND',
        promptTokensDetails: [
          { modality: 'TEXT', tokenCount: 17 },
          { modality: 'IMAGE', tokenCount: 4 },
          { modality: 'AUDIO', tokenCount: 1 },
        ],
      },
      initial: 10,
    });
    // The intermediate CONTINUATION is gone from the chunk, not only from the events.
    expect(direct[1]).not.toHaveProperty('candidates.0.finishReason');
  });
});

describe('mergeUsageMetadata', () => {
  it('keeps one side when the other is missing, and the earlier prompt count', () => {
    expect(mergeUsageMetadata(undefined, undefined)).toBeUndefined();
    expect(mergeUsageMetadata({ promptTokenCount: 3 }, undefined)).toEqual({
      promptTokenCount: 3,
    });
    const merged = mergeUsageMetadata(
      {
        promptTokenCount: 3,
        candidatesTokensDetails: [{ modality: MediaModality.TEXT, tokenCount: 1 }],
      },
      {
        promptTokenCount: 5,
        candidatesTokensDetails: [{ modality: MediaModality.TEXT, tokenCount: 2 }],
      },
    );
    expect(merged).toEqual({
      promptTokenCount: 8,
      candidatesTokensDetails: [{ modality: MediaModality.TEXT, tokenCount: 3 }],
    });
    expect(merged?.initialPromptTokenCount).toBe(3);
  });
});
