import { once } from 'node:events';
import { DIRECTIVE_HEADER, type RunningSimulator, type ScenarioAction } from '@catalyst/simulator';
import type { ChatRequest, LanguageModelProvider } from '@catalyst/spec';
import { expect, it } from 'vitest';
import { bothPaths, type TransportPath } from './both-paths.js';
import { collectEvents } from './collect-events.js';
import { withLocalServer } from './local-server.js';

/**
 * A provider with a direct client and an SDK path, as the cases here run it. The cases depend on
 * the simulator, undici and a local server, not on the vendor's stream shape, which the target
 * supplies where a case needs it.
 */
export interface DirectPathTarget {
  /**
   * The provider over `path`, pointed at the simulator unless `baseUrl` says otherwise, sending
   * `headers` on every request, each attempt limited to `timeoutMs` if given.
   */
  providerFor(
    path: TransportPath,
    settings?: { baseUrl?: string; headers?: Record<string, string>; timeoutMs?: number },
  ): LanguageModelProvider;
  /** The test file's ordinary request with `fields` over it (a fresh signal on every call). */
  request(fields?: Partial<ChatRequest>): ChatRequest;
}

/**
 * The {@link DirectPathTarget} of a provider factory that takes `transport` (Anthropic's, Gemini's
 * `create…ProviderOver`): its provider over either path against `simulator` with `apiKey` and no
 * environment, and a one-message request for `model` with a 10 s signal and no retries.
 *
 * @example
 * const simulator = useSimulator();
 * const { providerFor, request } = transportTarget({
 *   create: createGeminiProviderOver,
 *   simulator,
 *   apiKey: 'AIzaSECRET1234567890',
 *   model: 'gemini-2.5-flash',
 * });
 */
export function transportTarget(options: {
  create(settings: {
    transport: TransportPath;
    apiKey: string;
    baseUrl: string;
    environment: Record<string, string>;
    headers?: Record<string, string>;
    timeoutMs?: number;
  }): LanguageModelProvider;
  simulator: RunningSimulator;
  apiKey: string;
  model: string;
}): DirectPathTarget {
  return {
    providerFor: (path, settings = {}) =>
      options.create({
        transport: path,
        apiKey: options.apiKey,
        baseUrl: options.simulator.url,
        // No test reads the developer's real environment.
        environment: {},
        ...settings,
      }),
    request: (fields = {}) => ({
      model: options.model,
      messages: [{ role: 'user', content: 'replay' }],
      signal: AbortSignal.timeout(10_000),
      maxRetries: 0,
      ...fields,
    }),
  };
}

/** A simulator fault, the error kind both paths must end with, and what the request needs for it. */
export interface FaultCase {
  name: string;
  action: ScenarioAction;
  kind: string;
  fields?: Partial<ChatRequest>;
}

/** A reply of four chunks 10 ms apart, for the faults that strike mid-stream. */
export const STREAMING_REPLY = {
  timing: { firstTokenMs: 0, tokenDelayMs: 10 },
  reply: { chunks: ['one ', 'two ', 'three ', 'four'] },
} satisfies ScenarioAction;

/**
 * The faults the Anthropic and Gemini APIs answer alike and both providers map to the same kind;
 * each test file adds what its API does its own way (auth, overload statuses, in-stream errors).
 */
export const FAULTS_MAPPED_ALIKE: FaultCase[] = [
  {
    name: 'model not found (404)',
    action: { fault: { type: 'http', kind: 'model_not_found' } },
    kind: 'model_not_found',
  },
  {
    name: 'invalid request (400)',
    action: { fault: { type: 'http', kind: 'invalid_request' } },
    kind: 'invalid_request',
  },
  {
    name: 'context length (400)',
    action: { fault: { type: 'http', kind: 'context_length' } },
    kind: 'context_length',
  },
  {
    name: 'rate limit with retry-after seconds',
    action: { fault: { type: 'http', kind: 'rate_limit', retryAfterSeconds: 2 } },
    kind: 'rate_limit',
  },
  { name: 'server (500)', action: { fault: { type: 'http', kind: 'server' } }, kind: 'server' },
  { name: 'reset before the first byte', action: { fault: { type: 'reset' } }, kind: 'network' },
  {
    name: 'malformed chunk',
    action: { ...STREAMING_REPLY, fault: { type: 'malformed', afterChunks: 2 } },
    kind: 'server',
  },
  {
    name: 'disconnect mid-stream',
    action: { ...STREAMING_REPLY, fault: { type: 'disconnect', afterChunks: 2 } },
    kind: 'network',
  },
  {
    name: 'stall mid-stream (idle timeout)',
    action: { ...STREAMING_REPLY, fault: { type: 'stall', afterChunks: 1 } },
    kind: 'timeout',
    fields: { idleTimeoutMs: 200 },
  },
];

/**
 * Registers one case per fault, titled by its name: the simulator plays the fault (asked for in
 * its directive header) to both paths, which must give the same events, ending in an error of
 * the fault's kind.
 *
 * @example
 * describe('simulated faults: both paths give the same error events', () => {
 *   itEndsEachFaultAlike({ providerFor, request }, [...FAULTS_MAPPED_ALIKE, ...OWN_FAULTS]);
 * });
 */
export function itEndsEachFaultAlike(target: DirectPathTarget, faults: FaultCase[]): void {
  it.each(faults)('$name', async ({ action, kind, fields }) => {
    const { direct, sdk, raw } = await bothPaths((path) =>
      collectEvents(
        target
          .providerFor(path, { headers: { [DIRECTIVE_HEADER]: JSON.stringify(action) } })
          .stream(target.request(fields)),
      ),
    );
    expect(direct).toEqual(sdk);
    expect(raw.at(-1)).toMatchObject({ type: 'error', error: { kind } });
  });
}

/** What {@link itKeepsTheDirectConnection} serves, in the vendor's stream shape. */
export interface DirectConnectionTarget extends DirectPathTarget {
  /** A complete answer whose text is `Hello`, the headers it comes with, and its request id. */
  answer: { body: string; headers: Record<string, string>; requestId: string };
  /** The answer's frames through its first token: what a stream that never ends has sent. */
  opening: string;
}

/**
 * Registers "no response headers within timeoutMs": a server that never answers, on both paths,
 * must end the attempt the same way, as the SDK's connection error.
 *
 * @example
 * describe('error bodies the simulator does not script', () => {
 *   itTimesOutWithoutResponseHeaders({ providerFor, request });
 * });
 */
export function itTimesOutWithoutResponseHeaders(target: DirectPathTarget): void {
  it('no response headers within timeoutMs', async () => {
    const { direct, sdk } = await withLocalServer(
      () => {
        // Never answers; the client's time-out must end the attempt.
      },
      (local) =>
        bothPaths((path) =>
          collectEvents(
            target
              .providerFor(path, { baseUrl: local.url, timeoutMs: 200 })
              .stream(target.request()),
          ),
        ),
    );
    expect(direct).toEqual(sdk);
    // The SDK's time-out is a connection error: no status, retryable.
    expect(direct.at(-1)).toMatchObject({ type: 'error', error: { kind: 'network' } });
  });
}

/**
 * Registers the direct path's connection cases: a second stream reuses the first one's socket,
 * and a consumer that stops early closes it.
 *
 * @example
 * describe('the direct path keeps its connection', () => {
 *   itKeepsTheDirectConnection({ providerFor, request, answer, opening });
 * });
 */
export function itKeepsTheDirectConnection(target: DirectConnectionTarget): void {
  it('a second sequential stream reuses the first one’s TCP connection', async () => {
    await withLocalServer(
      (response) => {
        response.writeHead(200, { 'content-type': 'text/event-stream', ...target.answer.headers });
        response.end(target.answer.body);
      },
      async (local) => {
        const provider = target.providerFor('direct', { baseUrl: local.url });
        const first = await collectEvents(provider.stream(target.request()));
        // undici hands a finished socket back to its pool on a later turn of the event loop; a
        // server's next request always comes after one, a test's loop needs to wait for it.
        await new Promise((resolve) => setImmediate(resolve));
        const second = await collectEvents(provider.stream(target.request()));
        expect(first.at(-1)).toMatchObject({
          type: 'done',
          text: 'Hello',
          requestId: target.answer.requestId,
        });
        expect(second.at(-1)).toMatchObject({ type: 'done', text: 'Hello' });
        expect(local.connections()).toBe(1);
      },
    );
  });

  it('a consumer that stops early closes the upstream socket', async () => {
    await expectUpstreamClosedBy({
      opening: target.opening,
      async consume(baseUrl) {
        const provider = target.providerFor('direct', { baseUrl });
        for await (const event of provider.stream(target.request())) {
          if (event.type === 'token') break;
        }
      },
    });
  });
}

/**
 * Serves `opening` as a stream that never ends, runs `consume` against it, and resolves only
 * once the client closed the socket: the server never ends the answer, so nothing else can.
 *
 * @example
 * await expectUpstreamClosedBy({ opening, consume: (baseUrl) => readFirstTokenThenAbort(baseUrl) });
 */
export async function expectUpstreamClosedBy(options: {
  opening: string;
  consume: (baseUrl: string) => Promise<void>;
}): Promise<void> {
  let closed: Promise<unknown> | undefined;
  await withLocalServer(
    (response) => {
      closed = once(response, 'close');
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(options.opening);
    },
    async (local) => {
      await options.consume(local.url);
      expect(closed).toBeDefined();
      await closed;
    },
  );
}
