import type { IncomingHttpHeaders } from 'node:http';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { Agent, type Dispatcher } from 'undici';
import { headerValue, toHeaders } from '../shared/node-http-headers.js';
import type { OpenAIChatChunk } from './openai-chat-chunk.js';
import type { OpenAIChatClient, OpenAIChatStream } from './openai-chat-client.js';
import { OpenAIHttpError, openAIHttpErrorFromBody } from './openai-http-error.js';

/** Where and how the direct client reaches a Chat Completions server. */
export interface OpenAIHttpChatClientOptions {
  /** The API root the SDKs call `baseURL` (`https://api.openai.com/v1`); paths are appended. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …` (or as `apiKeyHeader`); absent for servers that need no key. */
  apiKey?: string;
  /**
   * Where the key goes: `authorization` (`Bearer …`, every vendor's default) or Azure's dated
   * API's `api-key` header (as `AzureOpenAI` sends it).
   */
  apiKeyHeader?: 'authorization' | 'api-key';
  /**
   * Azure's dated API: the request goes to `{baseUrl}/deployments/{model}/chat/completions` with
   * `?api-version=…`, as `AzureOpenAI` builds it (the deployment name unencoded, as it does).
   */
  azureApiVersion?: string;
  /** Extra headers on every request (a request's own headers win). */
  headers?: Record<string, string>;
  /** Time to the response headers of one attempt, like the SDKs' `timeout`. */
  timeoutMs?: number;
  /**
   * The calls the direct client does not make itself (model list, embeddings): the official
   * SDK client, whose cost matters little there.
   */
  fallback: Pick<OpenAIChatClient, 'listModelIds' | 'embed'>;
  /** Injected for tests; by default one keep-alive pool per client. */
  dispatcher?: Dispatcher;
}

/**
 * Chat Completions spoken directly over a pooled, keep-alive undici connection, with a lean SSE
 * parser, instead of through a vendor SDK: the hot path of every OpenAI-compatible provider. It
 * behaves like the SDK clients it replaces (same headers, errors shaped like the SDK's so
 * `mapOpenAIError` reads both the same way, in-stream errors thrown, `[DONE]` honoured) and
 * aborting the signal, or closing the chunk iterator early, closes the upstream socket.
 *
 * @example
 * const client = openAIHttpChatClient({ baseUrl: 'https://api.openai.com/v1', apiKey, fallback });
 * const { chunks } = await client.streamChat(body, signal);
 */
export function openAIHttpChatClient(options: OpenAIHttpChatClientOptions): OpenAIChatClient {
  const base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
  const origin = base.origin;
  const fixedPath = `${base.pathname}chat/completions${base.search}`;
  const apiVersion = options.azureApiVersion;
  const chatPath =
    apiVersion === undefined
      ? () => fixedPath
      : (body: { model?: unknown }) =>
          `${base.pathname}deployments/${String(body.model)}/chat/completions?${new URLSearchParams({ 'api-version': apiVersion })}`;
  let dispatcher = options.dispatcher;
  const fixedHeaders: Record<string, string> = {
    accept: 'application/json',
    'content-type': 'application/json',
  };
  if (options.apiKey) {
    if (options.apiKeyHeader === 'api-key') fixedHeaders['api-key'] = options.apiKey;
    else fixedHeaders.authorization = `Bearer ${options.apiKey}`;
  }
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    fixedHeaders[name.toLowerCase()] = value;
  }

  const client: OpenAIChatClient = {
    async streamChat(body, signal, headers) {
      // One pool for the client's life, made on first use so an unused provider opens nothing.
      dispatcher ??= new Agent({ keepAliveTimeout: 30_000 });
      let requestHeaders = fixedHeaders;
      if (headers) {
        requestHeaders = { ...fixedHeaders };
        for (const [name, value] of Object.entries(headers)) {
          requestHeaders[name.toLowerCase()] = value;
        }
      }
      const response = await dispatcher.request({
        origin,
        path: chatPath(body),
        method: 'POST',
        headers: requestHeaders,
        body: JSON.stringify(body),
        signal,
        ...(options.timeoutMs !== undefined && { headersTimeout: options.timeoutMs }),
      });
      if (response.statusCode < 200 || response.statusCode >= 300) {
        const text = await response.body.text();
        throw openAIHttpErrorFromBody(response.statusCode, text, toHeaders(response.headers));
      }
      const requestId = headerValue(response.headers['x-request-id']);
      const chunks = readChatChunks(response.body, response.headers);
      const opened: OpenAIChatStream = requestId ? { chunks, requestId } : { chunks };
      return opened;
    },
    listModelIds: (signal) => options.fallback.listModelIds(signal),
  };
  if (options.fallback.embed) {
    const embed = options.fallback.embed;
    client.embed = (body, signal) => embed(body, signal);
  }
  return client;
}

/**
 * The chunks of one streamed answer. Like the SDK: `[DONE]` ends the answer (the rest of the
 * body is read and ignored, so the connection goes back to the pool), a chunk with an `error`
 * field is thrown as that error, and a chunk that is not JSON throws the `SyntaxError`. A
 * consumer that stops early destroys the body, which closes the socket.
 */
async function* readChatChunks(
  body: Dispatcher.ResponseData['body'],
  headers: IncomingHttpHeaders,
): AsyncGenerator<OpenAIChatChunk> {
  const events: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => events.push(event) });
  let finished = false;
  let done = false;
  try {
    body.setEncoding('utf8');
    for await (const text of body as AsyncIterable<string>) {
      parser.feed(text);
      if (events.length === 0) continue;
      // Taken out before yielding: the consumer may stop at any yield.
      for (const event of events.splice(0, events.length)) {
        if (done) continue;
        if (event.data.startsWith('[DONE]')) {
          done = true;
          continue;
        }
        // Chat Completions has no named events; the Assistants API's `thread.*` ones are not
        // chunks (the SDK skips them too).
        if (event.event?.startsWith('thread.')) continue;
        const chunk = JSON.parse(event.data) as OpenAIChatChunk & { error?: unknown };
        if (chunk?.error)
          throw new OpenAIHttpError(undefined, chunk.error, undefined, toHeaders(headers));
        yield chunk;
      }
    }
    finished = true;
  } finally {
    if (!finished) body.destroy();
  }
}

/**
 * The direct client for a vendor's resolved settings, with the vendor's official SDK client for
 * what the direct client does not do; passes an SDK configuration error (a string) through.
 */
export function directChatClient(
  settings: { apiKey?: string; headers?: Record<string, string>; timeoutMs?: number },
  options: { baseUrl: string; sdk: OpenAIChatClient | string },
): OpenAIChatClient | string {
  if (typeof options.sdk === 'string') return options.sdk;
  return openAIHttpChatClient({
    baseUrl: options.baseUrl,
    ...(settings.apiKey && { apiKey: settings.apiKey }),
    ...(settings.headers !== undefined && { headers: settings.headers }),
    ...(settings.timeoutMs !== undefined && { timeoutMs: settings.timeoutMs }),
    fallback: options.sdk,
  });
}
