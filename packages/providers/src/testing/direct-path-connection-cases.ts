import { once } from 'node:events';
import type { ChatRequest, LanguageModelProvider } from '@catalyst/spec';
import { expect, it } from 'vitest';
import { bothPaths, type TransportPath } from './both-paths.js';
import { collectEvents } from './collect-events.js';
import { withLocalServer } from './local-server.js';

/**
 * The cases every provider with a direct client and an SDK path shares about the connection
 * itself: they depend on undici and the local server, not on the vendor's stream shape, which the
 * target supplies.
 */
export interface DirectPathTarget {
  /** The provider over `path`, pointed at `baseUrl`, each attempt limited to `timeoutMs` if given. */
  providerFor(
    path: TransportPath,
    settings: { baseUrl: string; timeoutMs?: number },
  ): LanguageModelProvider;
  /** The test file's ordinary request (a fresh signal on every call). */
  request(): ChatRequest;
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
 *   itTimesOutWithoutResponseHeaders({ providerFor, request: () => request() });
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
 *   itKeepsTheDirectConnection({ providerFor, request: () => request(), answer, opening });
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
