import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  FAULTS_MAPPED_ALIKE,
  type FaultCase,
  itEndsEachFaultAlike,
  itKeepsTheDirectConnection,
  itTimesOutWithoutResponseHeaders,
  STREAMING_REPLY,
  transportTarget,
} from '../testing/direct-and-sdk-path-cases.js';
import { bothPaths, collectEvents, withLocalServer } from '../testing/index.js';
import { useSimulator } from '../testing/use-simulator.js';
import { createAnthropicProviderOver } from './anthropic-provider.js';

// The direct HTTP client against the official SDK as the oracle: recorded real traffic (this
// folder's captures and the simulator's, provenance in their READMEs) and the simulator's faults go
// through the same provider twice, once per path, and must give the same events.
const HERE = dirname(fileURLToPath(import.meta.url));
const OWN_FIXTURES = resolve(HERE, '__fixtures__');
const SIMULATOR_FIXTURES = resolve(HERE, '../../../simulator/src/anthropic/__fixtures__');

const KEY = 'sk-ant-test-SECRET1234567890';
const MODEL = 'claude-haiku-4-5';

const simulator = useSimulator();
const { providerFor, request } = transportTarget({
  create: createAnthropicProviderOver,
  simulator,
  apiKey: KEY,
  model: MODEL,
});

const REPLAYS: Array<{ file: string; directory: string }> = [
  ...[
    'anthropic-json-tool.1.chunks.txt',
    'anthropic-message-delta-input-tokens.chunks.txt',
    'anthropic-refusal.chunks.txt',
    'anthropic-tool-no-args.chunks.txt',
  ].map((file) => ({ file, directory: OWN_FIXTURES })),
  ...['anthropic-text.chunks.txt', 'basic_response.txt', 'tool_use_response.txt'].map((file) => ({
    file,
    directory: SIMULATOR_FIXTURES,
  })),
];

describe('recorded traffic: the direct client and the official SDK give the same events', () => {
  it.each(REPLAYS)('$file', async ({ file, directory }) => {
    simulator.setScenario({ rules: [{ replay: { file } }], baseDirectory: directory });
    const { direct, sdk, raw } = await bothPaths((path) =>
      collectEvents(providerFor(path).stream(request())),
    );
    expect(direct).toEqual(sdk);
    // The replay produced an answer, not an error both paths happened to agree on.
    expect(raw.at(-1)?.type).toBe('done');
  });

  it('a recorded JSON-mode capture in JSON mode', async () => {
    simulator.setScenario({
      rules: [{ replay: { file: 'anthropic-json-tool.1.chunks.txt' } }],
      baseDirectory: OWN_FIXTURES,
    });
    const { direct, sdk, raw } = await bothPaths((path) =>
      collectEvents(providerFor(path).stream(request({ responseFormat: { type: 'json_object' } }))),
    );
    expect(direct).toEqual(sdk);
    expect(raw.at(-1)).toMatchObject({ type: 'done' });
  });

  it('a recorded 400 error body becomes the same error', async () => {
    simulator.setScenario({
      rules: [{ replay: { file: 'anthropic-issue-17366-error.json', status: 400 } }],
      baseDirectory: SIMULATOR_FIXTURES,
    });
    const { direct, sdk, raw } = await bothPaths((path) =>
      collectEvents(providerFor(path).stream(request())),
    );
    expect(direct).toEqual(sdk);
    expect(raw.at(-1)).toMatchObject({
      type: 'error',
      error: { status: 400, kind: 'invalid_request' },
    });
  });
});

/** The faults this API answers its own way; the rest are in `FAULTS_MAPPED_ALIKE`. */
const OWN_FAULTS: FaultCase[] = [
  { name: 'auth (401)', action: { fault: { type: 'http', kind: 'auth' } }, kind: 'auth' },
  {
    name: 'rate limit with retry-after-ms',
    action: { fault: { type: 'http', kind: 'rate_limit', retryAfterMs: 1500 } },
    kind: 'rate_limit',
  },
  {
    name: 'server with another status (503)',
    action: { fault: { type: 'http', kind: 'server', status: 503, message: 'down' } },
    kind: 'server',
  },
  {
    name: 'overloaded (529)',
    action: { fault: { type: 'http', kind: 'overloaded' } },
    kind: 'overloaded',
  },
  {
    name: 'in-stream error event (overloaded)',
    action: {
      ...STREAMING_REPLY,
      fault: { type: 'stream-error', afterChunks: 1, kind: 'overloaded', message: 'busy' },
    },
    kind: 'overloaded',
  },
  {
    name: 'in-stream error event (server)',
    action: { ...STREAMING_REPLY, fault: { type: 'stream-error', afterChunks: 2, kind: 'server' } },
    kind: 'server',
  },
];

describe('simulated faults: both paths give the same error events', () => {
  itEndsEachFaultAlike({ providerFor, request }, [...FAULTS_MAPPED_ALIKE, ...OWN_FAULTS]);
});

function frame(type: string, data: unknown): string {
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** A complete short answer in Anthropic's stream shape. */
const ANSWER = [
  frame('message_start', {
    type: 'message_start',
    message: {
      id: 'msg_local',
      type: 'message',
      role: 'assistant',
      content: [],
      model: MODEL,
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 3, output_tokens: 1 },
    },
  }),
  frame('content_block_start', {
    type: 'content_block_start',
    index: 0,
    content_block: { type: 'text', text: '' },
  }),
  frame('ping', { type: 'ping' }),
  frame('content_block_delta', {
    type: 'content_block_delta',
    index: 0,
    delta: { type: 'text_delta', text: 'Hello' },
  }),
  frame('content_block_stop', { type: 'content_block_stop', index: 0 }),
  frame('message_delta', {
    type: 'message_delta',
    delta: { stop_reason: 'end_turn', stop_sequence: null },
    usage: { output_tokens: 2 },
  }),
  frame('message_stop', { type: 'message_stop' }),
];
/** The answer through its first token, as a stream that has not ended has sent it. */
const OPENING = ANSWER.slice(0, 4).join('');

describe('error bodies and time-outs the simulator does not script', () => {
  it.each([
    { name: 'a plain-text 502 body', status: 502, body: 'Bad Gateway', kind: 'server' },
    { name: 'an empty 500 body', status: 500, body: '', kind: 'server' },
    {
      name: 'a JSON body without error',
      status: 400,
      body: '{"detail":"no"}',
      kind: 'invalid_request',
    },
  ])('$name', async ({ status, body, kind }) => {
    const { direct, sdk, raw } = await withLocalServer(
      (response) => {
        response.writeHead(status, { 'content-type': 'text/plain', 'request-id': 'req_local' });
        response.end(body);
      },
      (local) =>
        bothPaths((path) =>
          collectEvents(providerFor(path, { baseUrl: local.url }).stream(request())),
        ),
    );
    expect(direct).toEqual(sdk);
    expect(raw.at(-1)).toMatchObject({ type: 'error', error: { kind, status } });
  });

  it('an error frame that is not JSON, and an unnamed frame, as the SDK reads them', async () => {
    const { direct, sdk, raw } = await withLocalServer(
      (response) => {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        response.end(`${OPENING}data: {"unnamed":true}\n\nevent: error\ndata: not json\n\n`);
      },
      (local) =>
        bothPaths((path) =>
          collectEvents(providerFor(path, { baseUrl: local.url }).stream(request())),
        ),
    );
    expect(direct).toEqual(sdk);
    expect(raw.at(-1)).toMatchObject({ type: 'error', error: { kind: 'server' } });
    expect(raw.some((event) => event.type === 'token')).toBe(true);
  });

  itTimesOutWithoutResponseHeaders({ providerFor, request });
});

describe('requests: both paths send the same thing', () => {
  it('the same body and headers (key, version, configured and per-request headers, traceparent)', async () => {
    const seen: Array<{ body: unknown; headers: Record<string, string>; path: string }> = [];
    for (const path of ['direct', 'sdk'] as const) {
      simulator.reset();
      const provider = providerFor(path, { headers: { 'x-configured': 'yes' } });
      await collectEvents(
        provider.stream(
          request({
            system: 'Be brief.',
            maxTokens: 20,
            responseFormat: { type: 'json_object' },
            tools: [{ name: 'get_weather', parameters: { type: 'object', properties: {} } }],
            headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
          }),
        ),
      );
      const received = simulator.requests()[0];
      expect(received).toBeDefined();
      const lower = Object.fromEntries(
        Object.entries(received?.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
      );
      seen.push({ body: received?.body, headers: lower, path: received?.path ?? '' });
    }
    const [direct, sdk] = seen;
    expect(direct?.path).toBe(sdk?.path);
    expect(direct?.body).toEqual(sdk?.body);
    for (const name of [
      'authorization',
      'x-api-key',
      'anthropic-version',
      'anthropic-beta',
      'x-configured',
      'traceparent',
      'content-type',
      'accept',
    ]) {
      expect(direct?.headers[name], name).toBe(sdk?.headers[name]);
    }
    // The simulator logs credentials as `[redacted]`: sent, and the same on both paths.
    expect(direct?.headers.authorization).toBeDefined();
    expect(direct?.headers['anthropic-version']).toBeDefined();
  });
});

describe('the direct path keeps its connection', () => {
  itKeepsTheDirectConnection({
    providerFor,
    request,
    answer: { body: ANSWER.join(''), headers: { 'request-id': 'req_1' }, requestId: 'req_1' },
    opening: OPENING,
  });
});
