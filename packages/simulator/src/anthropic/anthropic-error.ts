import type { Fault, SimErrorKind, SimRequest } from '../types.js';
import { anthropicRequestId } from './anthropic-ids.js';
import { summarizeAnthropicRequest } from './summarize-anthropic-request.js';

/** Claude models accept 200k tokens of context; the "prompt is too long" message quotes it. */
const CONTEXT_WINDOW_TOKENS = 200_000;

/** Anthropic's `error.type` for each status it documents. */
const TYPE_BY_STATUS: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

/** The status, `error.type` and default message Anthropic uses for an error kind. */
export function anthropicErrorShape(
  kind: SimErrorKind,
  model: string,
): { status: number; type: string; message: string } {
  switch (kind) {
    case 'auth':
      return { status: 401, type: 'authentication_error', message: 'invalid x-api-key' };
    case 'model_not_found':
      return { status: 404, type: 'not_found_error', message: `model: ${model}` };
    case 'invalid_request':
      return {
        status: 400,
        type: 'invalid_request_error',
        message: 'messages: at least one message is required',
      };
    case 'context_length':
      return { status: 400, type: 'invalid_request_error', message: '' };
    case 'rate_limit':
      return {
        status: 429,
        type: 'rate_limit_error',
        message:
          'This request would exceed the rate limit for your organization of 50 requests per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits.',
      };
    case 'server':
      return { status: 500, type: 'api_error', message: 'Internal server error' };
    case 'overloaded':
      return { status: 529, type: 'overloaded_error', message: 'Overloaded' };
    default: {
      const unreachable: never = kind;
      throw new Error(`unknown error kind ${String(unreachable)}`);
    }
  }
}

/**
 * "prompt is too long: N tokens > M maximum", the real message. N is the prompt's estimated size
 * when it really is too long; a scripted fault on a short prompt still reports a number above the
 * window, because a client that parses N to trim its history must see a consistent pair.
 */
function promptTooLongMessage(request: SimRequest): string {
  const estimated = Math.ceil(summarizeAnthropicRequest(request).promptText.length / 4);
  const tokens = estimated > CONTEXT_WINDOW_TOKENS ? estimated : CONTEXT_WINDOW_TOKENS + estimated;
  return `prompt is too long: ${tokens} tokens > ${CONTEXT_WINDOW_TOKENS} maximum`;
}

/** Renders an HTTP error exactly as the Anthropic API sends it. */
export function anthropicErrorResponse(
  request: SimRequest,
  fault: Extract<Fault, { type: 'http' }>,
): { status: number; body: unknown; headers: Record<string, string> } {
  const shape = anthropicErrorShape(fault.kind, request.model ?? 'unknown');
  const status = fault.status ?? shape.status;
  const type = fault.status === undefined ? shape.type : (TYPE_BY_STATUS[status] ?? shape.type);
  const defaultMessage =
    fault.kind === 'context_length' ? promptTooLongMessage(request) : shape.message;
  const requestId = anthropicRequestId(request.id);
  const headers: Record<string, string> = { 'request-id': requestId };
  if (fault.retryAfterSeconds !== undefined) {
    headers['retry-after'] = String(fault.retryAfterSeconds);
  } else if (fault.kind === 'rate_limit') {
    // The real 429 always names a wait; without it the SDK would fall back to its own backoff.
    headers['retry-after'] = '1';
  }
  if (fault.retryAfterMs !== undefined) {
    headers['retry-after-ms'] = String(fault.retryAfterMs);
  }
  return {
    status,
    body: {
      type: 'error',
      error: { type, message: fault.message ?? defaultMessage },
      request_id: requestId,
    },
    headers,
  };
}

/** The in-stream `event: error` frame, sent after HTTP 200 when a stream fails. */
export function anthropicErrorFrame(kind: SimErrorKind, message: string, model: string): string {
  const shape = anthropicErrorShape(kind, model);
  const body = { type: 'error', error: { type: shape.type, message: message || shape.message } };
  return `event: error\ndata: ${JSON.stringify(body)}\n\n`;
}
