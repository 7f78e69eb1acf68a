import type { IncomingHttpHeaders } from 'node:http';
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { Agent, type Dispatcher } from 'undici';
import { headerValue, toHeaders } from '../shared/node-http-headers.js';
import {
  AnthropicHttpError,
  anthropicHttpErrorFromBody,
  parseJsonOrUndefined,
} from './anthropic-http-error.js';
import type {
  AnthropicMessagesClient,
  AnthropicMessagesStream,
} from './anthropic-messages-client.js';

/**
 * The API version `@anthropic-ai/sdk` 1.x sends (the request bodies are built for it); a caller
 * pinned to another version overrides it through `headers`.
 */
const ANTHROPIC_VERSION = '2026-10-21';

/** The SDK's default time to the response headers (ten minutes), when none is configured. */
const DEFAULT_TIMEOUT_MS = 600_000;

/** Where and how the direct client reaches the Messages API. */
export interface AnthropicHttpMessagesClientOptions {
  /** The API root the SDK calls `baseURL` (`https://api.anthropic.com`); `/v1/messages` is appended. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …`, as the SDK sends an API key. */
  apiKey: string;
  /** Extra headers on every request (a request's own headers win). */
  headers?: Record<string, string>;
  /** Time to the response headers of one attempt, like the SDK's `timeout`. */
  timeoutMs?: number;
  /** Injected for tests; by default one keep-alive pool per client, made on first use. */
  dispatcher?: Dispatcher;
}

/**
 * Anthropic Messages streaming spoken directly over a pooled, keep-alive undici connection with a
 * lean SSE parser, instead of through `@anthropic-ai/sdk`: the provider's hot path. It behaves like
 * the SDK client it replaces: the same headers and body, the same raw stream events (`ping` and
 * unnamed frames skipped), an `event: error` frame thrown as an error shaped like the SDK's
 * `APIError`, a frame that is not JSON thrown as the `SyntaxError`. Aborting the signal, or closing
 * the event iterator early, destroys the body and so closes the upstream socket.
 *
 * @example
 * const client = anthropicHttpMessagesClient({ baseUrl: 'https://api.anthropic.com', apiKey });
 * const { events, requestId } = await client.streamMessages(body, signal);
 */
export function anthropicHttpMessagesClient(
  options: AnthropicHttpMessagesClientOptions,
): AnthropicMessagesClient {
  // Joined like the SDK's buildURL: a base with a path keeps it.
  const root = options.baseUrl.endsWith('/') ? options.baseUrl.slice(0, -1) : options.baseUrl;
  const url = new URL(`${root}/v1/messages`);
  const origin = url.origin;
  const path = `${url.pathname}${url.search}`;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let dispatcher = options.dispatcher;
  const fixedHeaders: Record<string, string> = {
    accept: 'application/json',
    'content-type': 'application/json',
    'anthropic-version': ANTHROPIC_VERSION,
    authorization: `Bearer ${options.apiKey}`,
  };
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    fixedHeaders[name.toLowerCase()] = value;
  }

  return {
    async streamMessages(body, signal, headers) {
      // One pool for the client's life, made on first use so an unused provider opens nothing.
      dispatcher ??= new Agent({ keepAliveTimeout: 30_000 });
      // The SDK sends these two body fields as headers instead (before the request's own).
      const { user_profile_id: userProfileId, workspace_id: workspaceId, ...wireBody } = body;
      let requestHeaders = fixedHeaders;
      if (headers || userProfileId != null || workspaceId != null) {
        requestHeaders = { ...fixedHeaders };
        if (userProfileId != null) requestHeaders['anthropic-user-profile-id'] = userProfileId;
        if (workspaceId != null) requestHeaders['anthropic-workspace-id'] = workspaceId;
        for (const [name, value] of Object.entries(headers ?? {})) {
          requestHeaders[name.toLowerCase()] = value;
        }
      }
      const response = await dispatcher.request({
        origin,
        path,
        method: 'POST',
        headers: requestHeaders,
        body: JSON.stringify(wireBody),
        signal,
        headersTimeout: timeoutMs,
      });
      if (response.statusCode < 200 || response.statusCode >= 300) {
        const text = await response.body.text();
        throw anthropicHttpErrorFromBody(response.statusCode, text, toHeaders(response.headers));
      }
      const requestId = headerValue(response.headers['request-id']);
      const events = readStreamEvents(response.body, response.headers);
      const opened: AnthropicMessagesStream = requestId ? { events, requestId } : { events };
      return opened;
    },
  };
}

/**
 * The raw events of one streamed message. Like the SDK: `ping` and frames without an event name
 * are skipped, an `event: error` frame is thrown as an {@link AnthropicHttpError}, a frame whose
 * data is not JSON throws the `SyntaxError`, and a frame cut off by the end of the body is
 * dropped. A consumer that stops early destroys the body, which closes the socket.
 */
async function* readStreamEvents(
  body: Dispatcher.ResponseData['body'],
  headers: IncomingHttpHeaders,
): AsyncGenerator<RawMessageStreamEvent> {
  const frames: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (frame) => frames.push(frame) });
  let finished = false;
  try {
    body.setEncoding('utf8');
    for await (const text of body as AsyncIterable<string>) {
      parser.feed(text);
      if (frames.length === 0) continue;
      // Taken out before yielding: the consumer may stop at any yield.
      for (const frame of frames.splice(0, frames.length)) {
        const name = frame.event;
        if (name === undefined || name === 'ping') continue;
        if (name === 'error') {
          // No status: the answer began as a 200. The type comes from the body's `error.type`.
          const errorBody = parseJsonOrUndefined(frame.data) ?? frame.data;
          throw new AnthropicHttpError(undefined, errorBody, undefined, toHeaders(headers));
        }
        if (!frame.data) continue;
        yield JSON.parse(frame.data) as RawMessageStreamEvent;
      }
    }
    finished = true;
  } finally {
    if (!finished) body.destroy();
  }
}
