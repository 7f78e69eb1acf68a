import type { IncomingMessage } from 'node:http';
import { asRecord } from '../core/json-value.js';
import type { ProtocolContext, ProtocolModule, SimRequest } from '../types.js';
import { anthropicErrorFrame, anthropicErrorResponse } from './anthropic-error.js';
import { anthropicMessageId, anthropicRequestId } from './anthropic-ids.js';
import { anthropicMessage } from './anthropic-message.js';
import { ANTHROPIC_MODELS, anthropicModelPage } from './anthropic-models.js';
import { ANTHROPIC_MALFORMED_FRAME, anthropicStreamFrames } from './anthropic-stream-frames.js';
import { matchAnthropicRoute } from './match-anthropic-route.js';
import { summarizeAnthropicRequest } from './summarize-anthropic-request.js';

function headerValue(request: IncomingMessage, name: string): string {
  const value = request.headers[name];
  return (Array.isArray(value) ? value[0] : value)?.trim() ?? '';
}

/** An error body written directly by the protocol, for checks the real API makes itself. */
function invalidRequest(
  context: ProtocolContext,
  status: number,
  type: string,
  message: string,
): void {
  const requestId = anthropicRequestId(context.request.id);
  context.json(
    status,
    { type: 'error', error: { type, message }, request_id: requestId },
    { 'request-id': requestId },
  );
}

/** The checks the real API makes before it generates anything. */
function requestProblem(request: SimRequest): string | undefined {
  if (request.headers['anthropic-version'] === undefined) {
    return 'anthropic-version: header is required';
  }
  const body = asRecord(request.body);
  if (request.operation === 'chat' && typeof body?.max_tokens !== 'number') {
    return 'max_tokens: Field required';
  }
  return undefined;
}

async function handleChat(context: ProtocolContext): Promise<void> {
  const { request, plan } = context;
  const messageId = anthropicMessageId(request.id);
  const headers = { 'request-id': anthropicRequestId(request.id) };
  if (!request.stream) {
    context.json(200, anthropicMessage(plan, messageId), headers);
    return;
  }
  await context.streamFrames(anthropicStreamFrames(plan, messageId), {
    malformedFrame: ANTHROPIC_MALFORMED_FRAME,
    errorFrame: (kind, message) => anthropicErrorFrame(kind, message, plan.model),
    headers,
  });
}

function handleModels(context: ProtocolContext): void {
  const { request } = context;
  const headers = { 'request-id': anthropicRequestId(request.id) };
  if (request.model === undefined) {
    context.json(200, anthropicModelPage(request.query), headers);
    return;
  }
  const found = ANTHROPIC_MODELS.find((entry) => entry.id === request.model);
  if (found === undefined) {
    invalidRequest(context, 404, 'not_found_error', `model: ${request.model}`);
    return;
  }
  context.json(200, found, headers);
}

/**
 * The Anthropic Messages API: `POST /v1/messages` (stream and not), `POST
 * /v1/messages/count_tokens` and `GET /v1/models[/{id}]`, with Anthropic's auth headers, error
 * bodies and named SSE events, so `@anthropic-ai/sdk` and `anthropic` (Python) work unchanged.
 *
 * @example
 * ```ts
 * const client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: simulator.url });
 * const stream = client.messages.stream({ model: 'claude-sonnet-4-6', max_tokens: 64, messages });
 * ```
 */
export const ANTHROPIC_PROTOCOL: ProtocolModule = {
  // `headers` is beyond the ProtocolModule contract: a core that passes them lets the shared
  // `GET /v1/models` path reach the Anthropic list; without them OpenAI's list answers there.
  match(method, pathname, _query, _body, headers?: Record<string, string>) {
    return matchAnthropicRoute(method, pathname, headers);
  },

  authenticated(request) {
    // The real API also takes OAuth bearer tokens in place of a key.
    const bearer = headerValue(request, 'authorization').replace(/^Bearer\s+/i, '');
    return headerValue(request, 'x-api-key') !== '' || bearer !== '';
  },

  errorResponse(request, fault) {
    return anthropicErrorResponse(request, fault);
  },

  summarize(request) {
    return summarizeAnthropicRequest(request);
  },

  async handle(context) {
    const { request } = context;
    const problem = requestProblem(request);
    if (problem !== undefined && request.operation !== 'models') {
      invalidRequest(context, 400, 'invalid_request_error', problem);
      return;
    }
    switch (request.operation) {
      case 'chat':
        await handleChat(context);
        return;
      case 'count_tokens':
        context.json(
          200,
          { input_tokens: context.plan.usage.inputTokens },
          { 'request-id': anthropicRequestId(request.id) },
        );
        return;
      case 'models':
        handleModels(context);
        return;
      case 'embeddings':
        // Anthropic has no embeddings endpoint; match() never routes one here.
        invalidRequest(context, 404, 'not_found_error', 'Not Found');
        return;
      default: {
        const unreachable: never = request.operation;
        throw new Error(`unknown operation ${String(unreachable)}`);
      }
    }
  },
};
