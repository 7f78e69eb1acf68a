import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type LanguageModelProvider, ProviderError } from '@catalyst/spec';
import { handleOpenAIChatCompletions } from './handle-openai-chat-completions.js';
import { handleOpenAIEmbeddings } from './handle-openai-embeddings.js';
import { handleOpenAIModels } from './handle-openai-models.js';
import { invalidRequestResponse, providerErrorResponse } from './openai-error-body.js';
import { sendError, sendJson } from './openai-http-response.js';
import { OpenAIRequestError } from './parse-openai-chat-request.js';

/** Options of {@link createLocalOpenAIServer}. */
export interface LocalOpenAIServerOptions {
  /** What serves the requests; usually `createLocalProvider()`, but any provider works. */
  provider: LanguageModelProvider;
  /** Default 8080; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1: the model is for this machine unless you choose otherwise. */
  host?: string;
  /** Largest request body accepted; default 10 MB. */
  maxBodyBytes?: number;
}

/** A listening server. */
export interface LocalOpenAIServer {
  server: Server;
  /** Base URL for OpenAI clients, e.g. `http://127.0.0.1:8080/v1`. */
  url: string;
  port: number;
  host: string;
  /** Stops accepting connections and ends open ones. */
  close(): Promise<void>;
}

/**
 * Serves a provider (the embedded local model) over an OpenAI-compatible API, so any OpenAI
 * client can use it: `POST /v1/chat/completions` (JSON or SSE, with
 * `stream_options.include_usage`), `POST /v1/embeddings` (float or base64) and `GET /v1/models`.
 * Errors use OpenAI's `{ error: { message, type, param, code } }` shape; a client that
 * disconnects aborts its generation.
 *
 * @example
 * const server = await createLocalOpenAIServer({ provider: createLocalProvider(), port: 8080 });
 * const openai = new OpenAI({ baseURL: server.url, apiKey: 'local' });
 */
export async function createLocalOpenAIServer(
  options: LocalOpenAIServerOptions,
): Promise<LocalOpenAIServer> {
  const host = options.host ?? '127.0.0.1';
  const maxBodyBytes = options.maxBodyBytes ?? 10 * 1024 * 1024;
  const server = createServer((request, response) => {
    handleRequest(options.provider, maxBodyBytes, request, response).catch((error: unknown) => {
      // Reached only by a bug or a broken socket; the client still gets an answer if it can.
      const message = error instanceof Error ? error.message : String(error);
      if (!response.headersSent) {
        sendJson(response, 500, {
          error: { message, type: 'server_error', param: null, code: null },
        });
      } else response.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8080, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    server,
    url: `http://${urlHost}:${port}/v1`,
    port,
    host,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function handleRequest(
  provider: LanguageModelProvider,
  maxBodyBytes: number,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const path = (request.url ?? '/').split('?')[0]?.replace(/\/+$/, '') ?? '';
  // Abort the provider call when the client goes away before the response is complete.
  const controller = new AbortController();
  response.on('close', () => {
    if (!response.writableFinished) controller.abort();
  });

  const routes: Record<string, { method: string; run: () => Promise<void> }> = {
    '/v1/models': {
      method: 'GET',
      run: () => handleOpenAIModels(provider, controller.signal, response),
    },
    '/v1/chat/completions': {
      method: 'POST',
      run: async () =>
        handleOpenAIChatCompletions(
          provider,
          await readJson(request, maxBodyBytes),
          controller.signal,
          response,
        ),
    },
    '/v1/embeddings': {
      method: 'POST',
      run: async () =>
        handleOpenAIEmbeddings(
          provider,
          await readJson(request, maxBodyBytes),
          controller.signal,
          response,
        ),
    },
  };
  const route = routes[path];
  if (!route) {
    sendError(response, {
      status: 404,
      body: {
        error: {
          message: `No route ${request.method} ${path}. Try /v1/chat/completions, /v1/embeddings or /v1/models.`,
          type: 'invalid_request_error',
          param: null,
          code: 'not_found',
        },
      },
    });
    return;
  }
  if (request.method !== route.method) {
    response.setHeader('Allow', route.method);
    sendError(response, {
      status: 405,
      body: {
        error: {
          message: `${path} accepts ${route.method} only.`,
          type: 'invalid_request_error',
          param: null,
          code: 'method_not_allowed',
        },
      },
    });
    return;
  }
  try {
    await route.run();
  } catch (error) {
    if (error instanceof OpenAIRequestError)
      sendError(response, invalidRequestResponse(error.message, error.param));
    else if (error instanceof BodyError)
      sendError(response, {
        status: error.status,
        body: invalidRequestResponse(error.message).body,
      });
    else if (error instanceof ProviderError) sendError(response, providerErrorResponse(error));
    else throw error;
  }
}

class BodyError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

async function readJson(request: IncomingMessage, maxBodyBytes: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > maxBodyBytes)
      throw new BodyError(413, `The body is larger than ${maxBodyBytes} bytes.`);
    chunks.push(buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new BodyError(400, 'The body is not valid JSON.');
  }
}
