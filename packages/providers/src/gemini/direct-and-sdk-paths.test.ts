import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChatRequest, StreamEvent } from '@catalyst/spec';
import { describe, expect, it } from 'vitest';
import {
  expectUpstreamClosedBy,
  FAULTS_MAPPED_ALIKE,
  type FaultCase,
  itEndsEachFaultAlike,
  itKeepsTheDirectConnection,
  itTimesOutWithoutResponseHeaders,
  STREAMING_REPLY,
  transportTarget,
} from '../testing/direct-and-sdk-path-cases.js';
import {
  bothPaths,
  collectEvents,
  FETCH_OWN_HEADERS,
  type SeenRequest,
  withLocalServer,
} from '../testing/index.js';
import { useSimulator } from '../testing/use-simulator.js';
import { createGeminiProviderOver } from './gemini-provider.js';

// The direct HTTP client against `@google/genai` as the oracle: recorded real traffic (this
// folder's captures and the simulator's, provenance in their READMEs) and the simulator's faults go
// through the same provider twice, once per path, and must give the same events.
const HERE = dirname(fileURLToPath(import.meta.url));
const OWN_FIXTURES = resolve(HERE, '__fixtures__');
const SIMULATOR_FIXTURES = resolve(HERE, '../../../simulator/src/gemini/__fixtures__');

const KEY = 'AIzaSECRET1234567890';
const MODEL = 'gemini-2.5-flash';

const simulator = useSimulator();
const { providerFor, request } = transportTarget({
  create: createGeminiProviderOver,
  simulator,
  apiKey: KEY,
  model: MODEL,
});

const REPLAYS: Array<{
  file: string;
  directory: string;
  format?: 'sse';
  ends: Partial<StreamEvent> | { type: 'error'; error: { kind: string } };
}> = [
  { file: 'google-text.chunks.txt', directory: OWN_FIXTURES, ends: { type: 'done' } },
  { file: 'google-tool-call.chunks.txt', directory: OWN_FIXTURES, ends: { type: 'done' } },
  {
    file: 'issue-19758-prompt-block.chunks.txt',
    directory: OWN_FIXTURES,
    ends: { type: 'error', error: { kind: 'content_filter' } },
  },
  { file: 'issue-10781.1.chunks.txt', directory: SIMULATOR_FIXTURES, ends: { type: 'done' } },
  {
    // Raw SSE bytes as Google sends them, `\r\n\r\n` between frames.
    file: 'google-stream-gemini-3.7-flash-2026-09-16.chunks.txt',
    directory: SIMULATOR_FIXTURES,
    format: 'sse',
    ends: { type: 'done' },
  },
];

describe('recorded traffic: the direct client and the official SDK give the same events', () => {
  it.each(REPLAYS)('$file', async ({ file, directory, format, ends }) => {
    simulator.setScenario({
      rules: [{ replay: { file, ...(format && { format }) } }],
      baseDirectory: directory,
    });
    const { direct, sdk, raw } = await bothPaths((path) =>
      collectEvents(providerFor(path).stream(request())),
    );
    expect(direct).toEqual(sdk);
    // The replay produced what it records, not an error both paths happened to agree on.
    expect(raw.at(-1)).toMatchObject(ends);
  });

  it('a recorded 429 body with RetryInfo becomes the same error, with its wait', async () => {
    simulator.setScenario({
      rules: [{ replay: { file: 'google-429-retry-info.json', status: 429 } }],
      baseDirectory: OWN_FIXTURES,
    });
    const { direct, sdk, raw } = await bothPaths((path) =>
      collectEvents(providerFor(path).stream(request())),
    );
    expect(direct).toEqual(sdk);
    expect(raw.at(-1)).toMatchObject({
      type: 'error',
      error: { status: 429, kind: 'rate_limit', retryAfterMs: 34_400 },
    });
  });
});

/** The faults this API answers its own way; the rest are in `FAULTS_MAPPED_ALIKE`. */
const OWN_FAULTS: FaultCase[] = [
  {
    name: 'bad key (400 API_KEY_INVALID)',
    action: { fault: { type: 'http', kind: 'auth' } },
    kind: 'auth',
  },
  {
    name: 'rate limit with a RetryInfo delay in milliseconds',
    action: { fault: { type: 'http', kind: 'rate_limit', retryAfterMs: 1500 } },
    kind: 'rate_limit',
  },
  {
    // The status decides: Google's 503 is UNAVAILABLE, an overload.
    name: 'server fault with another status (503) and message',
    action: { fault: { type: 'http', kind: 'server', status: 503, message: 'down' } },
    kind: 'overloaded',
  },
  {
    name: 'overloaded (503)',
    action: { fault: { type: 'http', kind: 'overloaded' } },
    kind: 'overloaded',
  },
  {
    name: 'in-stream error chunk (overloaded)',
    action: {
      ...STREAMING_REPLY,
      fault: { type: 'stream-error', afterChunks: 1, kind: 'overloaded', message: 'busy' },
    },
    kind: 'overloaded',
  },
  {
    name: 'in-stream error chunk (rate limit)',
    action: {
      ...STREAMING_REPLY,
      fault: { type: 'stream-error', afterChunks: 2, kind: 'rate_limit' },
    },
    kind: 'rate_limit',
  },
  {
    name: 'in-stream error chunk (server)',
    action: { ...STREAMING_REPLY, fault: { type: 'stream-error', afterChunks: 2, kind: 'server' } },
    kind: 'server',
  },
];

describe('simulated faults: both paths give the same error events', () => {
  itEndsEachFaultAlike({ providerFor, request }, [...FAULTS_MAPPED_ALIKE, ...OWN_FAULTS]);
});

function frame(data: unknown): string {
  return `data: ${JSON.stringify(data)}\r\n\r\n`;
}

/** A complete short answer in Gemini's stream shape. */
const ANSWER = [
  frame({
    candidates: [{ content: { parts: [{ text: 'Hel' }], role: 'model' }, index: 0 }],
    usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 1, totalTokenCount: 4 },
    modelVersion: MODEL,
    responseId: 'resp_local',
  }),
  frame({
    candidates: [
      { content: { parts: [{ text: 'lo' }], role: 'model' }, finishReason: 'STOP', index: 0 },
    ],
    usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 2, totalTokenCount: 5 },
    modelVersion: MODEL,
    responseId: 'resp_local',
  }),
];
/** The answer's first chunk, as a stream that has not ended has sent it. */
const OPENING = ANSWER.slice(0, 1).join('');

/** Serves `status`, `contentType` and `body` to both paths and compares what they made of it. */
async function compareAnswer(answer: {
  status: number;
  contentType: string;
  body: string;
  headers?: Record<string, string>;
}): Promise<StreamEvent[]> {
  const { direct, sdk, raw } = await withLocalServer(
    (response) => {
      response.writeHead(answer.status, { 'content-type': answer.contentType, ...answer.headers });
      response.end(answer.body);
    },
    (local) =>
      bothPaths((path) =>
        collectEvents(providerFor(path, { baseUrl: local.url }).stream(request())),
      ),
  );
  expect(direct).toEqual(sdk);
  return raw;
}

describe('error bodies and streams the simulator does not script', () => {
  it.each([
    { name: 'a plain-text 502 body', status: 502, body: 'Bad Gateway', kind: 'server' },
    { name: 'an empty 500 body', status: 500, body: '', kind: 'server' },
    { name: 'a plain-text 401', status: 401, body: 'no', kind: 'auth' },
  ])('$name', async ({ status, body, kind }) => {
    const events = await compareAnswer({ status, contentType: 'text/plain', body });
    expect(events.at(-1)).toMatchObject({ type: 'error', error: { kind, status } });
  });

  it('a JSON 400 body without `error`', async () => {
    const events = await compareAnswer({
      status: 400,
      contentType: 'application/json; charset=UTF-8',
      body: '{"detail":"no"}',
    });
    expect(events.at(-1)).toMatchObject({
      type: 'error',
      error: { kind: 'invalid_request', status: 400 },
    });
  });

  it('a 503 that says JSON but is not (the SDK’s SyntaxError: a malformed answer)', async () => {
    const events = await compareAnswer({
      status: 503,
      contentType: 'application/json',
      body: '<html>busy</html>',
    });
    expect(events.at(-1)).toMatchObject({ type: 'error', error: { kind: 'server' } });
  });

  it('a text 429 with a retry-after header', async () => {
    const events = await compareAnswer({
      status: 429,
      contentType: 'text/plain',
      body: 'slow down',
      headers: { 'retry-after': '3' },
    });
    expect(events.at(-1)).toMatchObject({
      type: 'error',
      error: { kind: 'rate_limit', retryAfterMs: 3000 },
    });
  });

  it('frames the SDK skips or empties: a comment, an event line, nulls, a bare number', async () => {
    const events = await compareAnswer({
      status: 200,
      contentType: 'text/event-stream',
      body: [
        ': keep-alive\r\n\r\n',
        'event: other\r\ndata: {"candidates":[{"content":{"parts":[{"text":"skipped"}]}}]}\r\n\r\n',
        'data: 5\r\n\r\n',
        ANSWER[0],
        // Last, so no later chunk hides what a null finishReason does.
        'data: {"modelVersion":null,"responseId":null,"candidates":[{"content":{"parts":[{"text":"Hi"}]},"finishReason":null}]}\n\n',
      ].join(''),
    });
    expect(events.at(-1)).toMatchObject({ type: 'done', text: 'HelHi' });
  });

  it('an error chunk whose code is not an HTTP error is an empty chunk, as in the SDK', async () => {
    const events = await compareAnswer({
      status: 200,
      contentType: 'text/event-stream',
      body: `${ANSWER[0]}data: {"error":{"code":"500","message":"odd"}}\r\n\r\n${ANSWER[1]}`,
    });
    expect(events.at(-1)).toMatchObject({ type: 'done', text: 'Hello' });
  });

  it('a 200 whose body is a bare JSON error (no SSE framing)', async () => {
    const events = await compareAnswer({
      status: 200,
      contentType: 'application/json',
      body: '{"error":{"code":503,"message":"The model is overloaded.","status":"UNAVAILABLE"}}',
    });
    expect(events.at(-1)).toMatchObject({ type: 'error', error: { kind: 'overloaded' } });
  });

  it('text left over at the end of the stream', async () => {
    const events = await compareAnswer({
      status: 200,
      contentType: 'text/event-stream',
      body: `${ANSWER[0]}data: {"candidates":[`,
    });
    expect(events.at(-1)).toMatchObject({ type: 'error', error: { kind: 'server' } });
    expect(events.some((event) => event.type === 'token')).toBe(true);
  });

  itTimesOutWithoutResponseHeaders({ providerFor, request });

  it('timeoutMs also ends a body that stops arriving, as the SDK’s time-out does', async () => {
    const { direct, sdk, raw } = await withLocalServer(
      (response) => {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        // The first chunk, then nothing: only the attempt's time-out ends it.
        response.write(ANSWER[0]);
      },
      (local) =>
        bothPaths((path) =>
          collectEvents(
            providerFor(path, { baseUrl: local.url, timeoutMs: 300 }).stream(request()),
          ),
        ),
    );
    expect(direct).toEqual(sdk);
    expect(raw.some((event) => event.type === 'token')).toBe(true);
    expect(raw.at(-1)).toMatchObject({ type: 'error', error: { kind: 'network' } });
  });
});

/** Both paths' request for `chat`, as a local server saw them. */
async function seenByBothPaths(
  chat: Partial<ChatRequest>,
  settings: { headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<{ direct: SeenRequest; sdk: SeenRequest }> {
  const seen = await withLocalServer(
    (response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.end(ANSWER.join(''));
    },
    async (local) => {
      for (const path of ['direct', 'sdk'] as const) {
        const events = await collectEvents(
          providerFor(path, { baseUrl: local.url, ...settings }).stream(request(chat)),
        );
        expect(events.at(-1)).toMatchObject({ type: 'done' });
      }
      return local.seen;
    },
  );
  const [direct, sdk] = seen;
  if (!direct || !sdk) throw new Error('both paths should have sent a request');
  return { direct, sdk };
}

// What the SDK (and fetch under it) sends that the direct path leaves out on purpose: the SDK's
// telemetry, a browser's defaults, and compression. Connection headers belong to each client.
const NOT_MIRRORED = ['user-agent', 'x-goog-api-client', ...FETCH_OWN_HEADERS];

function withoutNotMirrored(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => !NOT_MIRRORED.includes(name)),
  );
}

describe('requests: both paths send the same thing', () => {
  const everything: Partial<ChatRequest> = {
    system: 'Be brief.',
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in these, and the weather?' },
          { type: 'image', url: 'data:image/png;base64,iVBORw0KGgo=' },
          { type: 'image', url: 'https://example.com/cat.webp' },
        ],
      },
      {
        role: 'assistant',
        content: 'Let me look.',
        toolCalls: [
          {
            id: 'call_0',
            name: 'get_weather',
            arguments: '{"city":"Paris"}',
            input: { city: 'Paris' },
          },
        ],
      },
      { role: 'tool', toolCallId: 'call_0', toolName: 'get_weather', content: '{"celsius":21}' },
    ],
    maxTokens: 20,
    temperature: 0.2,
    topP: 0.9,
    stop: ['END'],
    seed: 7,
    responseFormat: {
      type: 'json_schema',
      name: 'answer',
      schema: { type: 'object', properties: { text: { type: 'string' } } },
    },
    tools: [
      {
        name: 'get_weather',
        description: 'The weather in a city',
        parameters: { type: 'object', properties: { city: { type: 'string' } } },
      },
    ],
    toolChoice: { name: 'get_weather' },
    headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    providerOptions: { thinkingConfig: { thinkingBudget: 0 }, topK: 40 },
  };

  it('the same method, path, query, body and headers (key, time-out, configured, per-request)', async () => {
    const { direct, sdk } = await seenByBothPaths(everything, {
      headers: { 'X-Configured': 'yes' },
      timeoutMs: 1500,
    });
    expect(direct.method).toBe(sdk.method);
    expect(direct.url).toBe(`/v1beta/models/${MODEL}:streamGenerateContent?alt=sse`);
    expect(direct.url).toBe(sdk.url);
    expect(JSON.parse(direct.body)).toEqual(JSON.parse(sdk.body));
    expect(withoutNotMirrored(direct.headers)).toEqual(withoutNotMirrored(sdk.headers));
    expect(direct.headers).toMatchObject({
      'x-goog-api-key': KEY,
      'x-server-timeout': '2',
      'x-configured': 'yes',
      traceparent: everything.headers?.traceparent,
      'content-type': 'application/json',
    });
    // The parts of the request the SDK builds itself reached the wire.
    expect(JSON.parse(direct.body)).toMatchObject({
      systemInstruction: { parts: [{ text: 'Be brief.' }], role: 'user' },
      toolConfig: {
        functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] },
      },
      generationConfig: { maxOutputTokens: 20, topK: 40, thinkingConfig: { thinkingBudget: 0 } },
    });
    for (const name of NOT_MIRRORED.slice(0, 6)) expect(direct.headers[name], name).toBeUndefined();
    expect(sdk.headers['x-goog-api-client']).toMatch(/^google-genai-sdk\//);
  });

  it('a plain request: no time-out header, the same minimal body', async () => {
    const { direct, sdk } = await seenByBothPaths({});
    expect(JSON.parse(direct.body)).toEqual(JSON.parse(sdk.body));
    expect(withoutNotMirrored(direct.headers)).toEqual(withoutNotMirrored(sdk.headers));
    expect(direct.headers['x-server-timeout']).toBeUndefined();
  });

  it('providerOptions the direct path does not mirror go through the SDK', async () => {
    const safety = {
      providerOptions: {
        safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
      },
    };
    const { direct, sdk } = await seenByBothPaths(safety);
    expect(JSON.parse(direct.body)).toEqual(JSON.parse(sdk.body));
    // Sent by the SDK on both paths: its telemetry header is there.
    expect(direct.headers['x-goog-api-client']).toMatch(/^google-genai-sdk\//);
    expect(JSON.parse(direct.body).safetySettings).toEqual(safety.providerOptions.safetySettings);
  });
});

describe('the direct path keeps its connection', () => {
  itKeepsTheDirectConnection({
    providerFor,
    request,
    answer: { body: ANSWER.join(''), headers: {}, requestId: 'resp_local' },
    opening: OPENING,
  });

  it('an abort mid-stream closes the upstream socket', async () => {
    const events: StreamEvent[] = [];
    await expectUpstreamClosedBy({
      opening: OPENING,
      async consume(baseUrl) {
        const controller = new AbortController();
        const provider = providerFor('direct', { baseUrl });
        for await (const event of provider.stream(request({ signal: controller.signal }))) {
          events.push(event);
          if (event.type === 'token') controller.abort();
        }
      },
    });
    expect(events.at(-1)).toMatchObject({ type: 'error', error: { kind: 'aborted' } });
  });
});
