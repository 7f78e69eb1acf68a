import type { IncomingHttpHeaders } from 'node:http';
import { Agent, type Dispatcher } from 'undici';
import { headerValue, toHeaders } from '../shared/node-http-headers.js';
import { geminiErrorFromBody, geminiStreamChunkError } from './gemini-http-error.js';
import type {
  GeminiStreamCall,
  GeminiStreamChunk,
  GeminiStreamClient,
} from './gemini-stream-client.js';
import {
  type GeminiStreamContinuation,
  geminiStreamContinuation,
} from './gemini-stream-continuation.js';
import { type GeminiWireBody, geminiWireBody } from './gemini-wire-body.js';

/** The SDK's default API root and version for the Gemini API (not Vertex). */
const DEFAULT_BASE_URL = 'https://generativelanguage.googleapis.com/';
const API_VERSION = 'v1beta';

// The SDK's frame separators, earliest first wins (its `processStreamResponse`).
const SEPARATORS = ['\n\n', '\r\r', '\r\n\r\n'] as const;

/** Where and how the direct client reaches the Gemini API. */
export interface GeminiHttpStreamClientOptions {
  /** The API root (`https://generativelanguage.googleapis.com`); `/v1beta/models/…` is appended. */
  baseUrl?: string;
  /** Sent as `x-goog-api-key`, as the SDK sends an API key. */
  apiKey: string;
  /** Extra headers on every request (a request's own headers win). */
  headers?: Record<string, string>;
  /**
   * Time for one whole attempt, headers and body, like the SDK's `timeout` (which also sends it
   * to the server as `x-server-timeout`, in seconds). Unset: no deadline but undici's 300 s to the
   * headers and between body bytes, as Node's fetch under the SDK.
   */
  timeoutMs?: number;
  /** Injected for tests; by default one keep-alive pool per client, made on first use. */
  dispatcher?: Dispatcher;
  /** The SDK client, for a request whose parameters the direct client does not mirror. */
  fallback: GeminiStreamClient;
}

/**
 * Gemini's `streamGenerateContent?alt=sse` spoken directly over a pooled, keep-alive undici
 * connection instead of through `@google/genai`: the provider's hot path. It behaves like the SDK
 * call it replaces: the same URL, key header, `x-server-timeout` and body (see
 * `geminiWireBody`); the same frames (the SDK's own framing rules, not the SSE specification's:
 * a frame is the text between blank lines, read only when it starts with `data:`; text left
 * over at the end throws "Incomplete JSON segment at the end"); the same errors (the SDK's
 * `ApiError`, `SyntaxError` or `Error`, see `gemini-http-error.ts`). Aborting the signal, the
 * time-out, or closing the chunk iterator early destroys the body and so closes the socket.
 *
 * Not sent: the SDK's `user-agent` / `x-goog-api-client` (`google-genai-sdk/<version>
 * gl-node/<node>`, telemetry that would credit the SDK with requests it did not build) and
 * fetch's defaults (`accept: *\/*`, `accept-language: *`, `sec-fetch-mode: cors`, and
 * `accept-encoding: gzip, deflate`: the stream comes back uncompressed, so no chunk waits in a
 * compressor or an inflater).
 *
 * Like the SDK, a stream that ends with a `continuationToken` (or drops after a checkpoint one)
 * is continued with more requests, unless `config.automaticContinuation` is false: see
 * `geminiStreamContinuation`.
 *
 * @example
 * const client = geminiHttpStreamClient({ apiKey, fallback: geminiSdkStreamClient(sdk) });
 * const chunks = await client.streamGenerateContent({ parameters, signal, captured: {} });
 */
export function geminiHttpStreamClient(options: GeminiHttpStreamClientOptions): GeminiStreamClient {
  const base = options.baseUrl ?? DEFAULT_BASE_URL;
  // Joined like the SDK's constructUrl: a base with a path keeps it.
  const root = `${base.endsWith('/') ? base.slice(0, -1) : base}/${API_VERSION}`;
  const origin = new URL(root).origin;
  const timeoutMs =
    options.timeoutMs !== undefined && options.timeoutMs > 0 ? options.timeoutMs : undefined;
  let dispatcher = options.dispatcher;
  const fixedHeaders = wireHeaders({ ...options, timeoutMs });
  // The SDK refuses an ephemeral token outside the Live API before sending anything.
  const refusedKey = options.apiKey.startsWith('auth_tokens/');
  const paths = new Map<string, string>();

  async function streamGenerateContent(
    call: GeminiStreamCall,
  ): Promise<AsyncIterable<GeminiStreamChunk>> {
    const body = geminiWireBody(call.parameters);
    if (!body) return options.fallback.streamGenerateContent(call);
    if (refusedKey) throw new Error('Ephemeral tokens are only supported by the live API.');
    const model = call.parameters.model;
    let path = paths.get(model);
    if (path === undefined) {
      path = streamPath(root, model);
      // A handful of models in practice; a caller cycling through names cannot grow it unbounded.
      if (paths.size >= 64) paths.clear();
      paths.set(model, path);
    }
    const requestHeaders = call.headers
      ? wireHeaders({ ...options, timeoutMs, own: call.headers })
      : fixedHeaders;
    const request = { path, headers: requestHeaders, signal: call.signal, captured: call.captured };
    const first = await openHop({ ...request, body });
    return readStreamChunks({
      first,
      // Each later hop is the same request with the latest checkpoint token, where the SDK puts it.
      openHop: (continuationToken) => openHop({ ...request, body: { ...body, continuationToken } }),
      continuation: geminiStreamContinuation({
        automaticContinuation: call.parameters.config?.automaticContinuation,
        signal: call.signal,
      }),
      captured: call.captured,
    });
  }

  /** One HTTP request of a streamed answer: its open body, or the SDK's error for its status. */
  async function openHop(hop: {
    path: string;
    body: GeminiWireBody;
    headers: Record<string, string>;
    signal: AbortSignal;
    captured: { headers?: Headers };
  }): Promise<OpenHop> {
    // One pool for the client's life, made on first use so an unused provider opens nothing.
    dispatcher ??= new Agent({ keepAliveTimeout: 30_000 });
    const started = timeoutMs === undefined ? 0 : performance.now();
    let response: Dispatcher.ResponseData;
    try {
      response = await dispatcher.request({
        origin,
        path: hop.path,
        method: 'POST',
        headers: hop.headers,
        body: JSON.stringify(hop.body),
        signal: hop.signal,
        ...(timeoutMs !== undefined && { headersTimeout: timeoutMs }),
      });
    } catch (error) {
      // Our time-out, thrown as the SDK's abort timer throws it: a hop that times out is not
      // resumed (an `AbortError`), where a connection that failed would be.
      if (
        timeoutMs !== undefined &&
        error instanceof Error &&
        error.name === 'HeadersTimeoutError'
      ) {
        throw new DOMException('This operation was aborted', 'AbortError');
      }
      throw error;
    }
    // The SDK's time-out covers the whole attempt, the body too.
    const deadline =
      timeoutMs === undefined
        ? undefined
        : armDeadline(response.body, timeoutMs - (performance.now() - started));
    if (response.statusCode < 200 || response.statusCode >= 300) {
      hop.captured.headers = toHeaders(response.headers);
      try {
        const text = await response.body.text();
        throw geminiErrorFromBody({
          status: response.statusCode,
          text,
          contentType: joinedHeader(response.headers['content-type']),
        });
      } finally {
        clearTimeout(deadline);
      }
    }
    return { body: response.body, headers: response.headers, deadline };
  }

  return { streamGenerateContent };
}

/** `/v1beta/models/{model}:streamGenerateContent?alt=sse`, with the SDK's checks of the name. */
function streamPath(root: string, model: string): string {
  if (!model || typeof model !== 'string')
    throw new Error('model is required and must be a string');
  if (model.includes('..') || model.includes('?') || model.includes('&')) {
    throw new Error('invalid model parameter');
  }
  const name =
    model.startsWith('models/') || model.startsWith('tunedModels/') ? model : `models/${model}`;
  const url = new URL(`${root}/${name}:streamGenerateContent?alt=sse`);
  return `${url.pathname}${url.search}`;
}

/**
 * The request headers, in the SDK's order: content type, configured headers, the request's own,
 * the time-out in seconds (appended, as the SDK appends it), and the key unless one was given.
 */
function wireHeaders(options: {
  apiKey: string;
  headers?: Record<string, string>;
  own?: Record<string, string>;
  timeoutMs: number | undefined;
}): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  for (const source of [options.headers, options.own]) {
    for (const [name, value] of Object.entries(source ?? {})) headers[name.toLowerCase()] = value;
  }
  if (options.timeoutMs !== undefined) {
    appendHeader(headers, 'x-server-timeout', String(Math.ceil(options.timeoutMs / 1000)));
  }
  headers['x-goog-api-key'] ??= options.apiKey;
  return headers;
}

/** Like `Headers.append`: a second value joins the first. */
function appendHeader(headers: Record<string, string>, name: string, value: string): void {
  const existing = headers[name];
  headers[name] = existing === undefined ? value : `${existing}, ${value}`;
}

/** A header as `Headers.get` reads it: repeated values joined. */
function joinedHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : headerValue(value);
}

/** Destroys `body` with the SDK's abort error once `remainingMs` have passed. */
function armDeadline(body: Dispatcher.ResponseData['body'], remainingMs: number): NodeJS.Timeout {
  const timer = setTimeout(
    () => body.destroy(new DOMException('This operation was aborted', 'AbortError')),
    Math.max(0, remainingMs),
  );
  timer.unref();
  return timer;
}

/** A hop whose answer is a 2xx: its body still to read. */
interface OpenHop {
  body: Dispatcher.ResponseData['body'];
  headers: IncomingHttpHeaders;
  deadline: NodeJS.Timeout | undefined;
}

/**
 * The chunks of one streamed answer, framed as the SDK frames them, over as many hops as its
 * continuation takes (one generator for them all: a chunk crosses no extra async layer). A
 * network read that is itself a JSON error object, or a frame whose data is one, throws the SDK's
 * `ApiError`; data that is not JSON throws the `SyntaxError`; what `continuation` makes of a
 * hop's error decides whether the answer goes on. A consumer that stops early destroys the body,
 * which closes the socket.
 */
async function* readStreamChunks(stream: {
  first: OpenHop;
  openHop: (continuationToken: string) => Promise<OpenHop>;
  continuation: GeminiStreamContinuation;
  captured: { headers?: Headers };
}): AsyncGenerator<GeminiStreamChunk> {
  const { continuation } = stream;
  let opening: OpenHop | Promise<OpenHop> = stream.first;
  for (;;) {
    let hopError: { error: unknown } | undefined;
    let body: Dispatcher.ResponseData['body'] | undefined;
    let deadline: NodeJS.Timeout | undefined;
    let finished = false;
    try {
      // A later hop is opened here, so that failing to open it counts as the hop's error.
      const hop = await opening;
      ({ body, deadline } = hop);
      const errorSource = { headers: hop.headers, captured: stream.captured };
      let buffer = '';
      body.setEncoding('utf8');
      for await (const text of body as AsyncIterable<string>) {
        // The SDK tries every network read as a whole JSON error first; only an object can be one.
        if (startsLikeObject(text)) throwIfError(parseOrUndefined(text), errorSource);
        buffer = buffer === '' ? text : buffer + text;
        // Frames are read in place from `position`; where each separator next occurs is kept, so
        // a read holding many frames is scanned once per separator, not once per frame.
        let position = 0;
        const next = [-2, -2, -2];
        for (;;) {
          let end = -1;
          let separatorLength = 0;
          for (let index = 0; index < SEPARATORS.length; index += 1) {
            let at = next[index] ?? -1;
            if (at !== -1 && at < position) {
              at = buffer.indexOf(SEPARATORS[index] ?? '', position);
              next[index] = at;
            }
            if (at !== -1 && (end === -1 || at < end)) {
              end = at;
              separatorLength = SEPARATORS[index]?.length ?? 0;
            }
          }
          if (end === -1) break;
          const frame = buffer.slice(position, end).trim();
          position = end + separatorLength;
          if (!frame.startsWith('data:')) continue;
          const chunk: unknown = JSON.parse(frame.slice('data:'.length).trim());
          throwIfError(chunk, errorSource);
          // The SDK's converter reads fields off anything; a JSON value that is not an object
          // becomes an empty chunk.
          yield continuation.observe(
            typeof chunk === 'object' && chunk !== null && !Array.isArray(chunk)
              ? (chunk as GeminiStreamChunk)
              : {},
          );
        }
        if (position > 0) buffer = buffer.slice(position);
      }
      if (buffer.trim().length > 0) throw new Error('Incomplete JSON segment at the end');
      finished = true;
    } catch (error) {
      hopError = { error };
    } finally {
      // Also when the consumer stops early: the hop's socket is closed, not left to drain.
      clearTimeout(deadline);
      if (!finished) body?.destroy();
    }
    if (!continuation.endHop(hopError)) return;
    opening = stream.openHop(continuation.resumeToken());
  }
}

function startsLikeObject(text: string): boolean {
  return text.charCodeAt(0) === 123 || text.trimStart().charCodeAt(0) === 123;
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function throwIfError(
  chunk: unknown,
  stream: { headers: IncomingHttpHeaders; captured: { headers?: Headers } },
): void {
  const error = geminiStreamChunkError(chunk);
  if (!error) return;
  // The SDK path leaves the answer's headers for retry-after; so does this one, when it matters.
  stream.captured.headers = toHeaders(stream.headers);
  throw error;
}
