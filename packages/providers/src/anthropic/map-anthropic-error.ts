import { APIConnectionError, APIError } from '@anthropic-ai/sdk';
import { ProviderError, type ProviderErrorKind } from '@catalyst/spec';
import { createProviderError, kindFromStatus } from '../shared/create-provider-error.js';
import { describeTransportFailure } from '../shared/describe-transport-failure.js';
import { retryAfterFromHeaders } from '../shared/retry-after.js';
import { transportProviderError } from '../shared/transport-provider-error.js';
import { AnthropicHttpError } from './anthropic-http-error.js';

/** Anthropic's way of saying the prompt does not fit the context window (sent as a plain 400). */
const PROMPT_TOO_LONG = /prompt is too long|too many (input )?tokens|context window/i;

/**
 * Maps anything the direct Messages client or the Anthropic SDK threw to a `ProviderError`.
 * HTTP errors (the SDK's `APIError` and the direct client's `AnthropicHttpError`, built alike)
 * are classified by the body's `error.type` first — in-stream `event: error` frames carry a type
 * but no status — then by status; connection failures are `network`. `secrets`
 * (the configured key) never reach the message.
 */
export function mapAnthropicError(options: {
  error: unknown;
  model?: string;
  secrets?: readonly (string | undefined)[];
}): ProviderError {
  const { error, model } = options;
  if (error instanceof ProviderError) return error;
  const common = {
    provider: 'anthropic' as const,
    ...(model !== undefined && { model }),
    secrets: options.secrets ?? [],
  };

  if (error instanceof APIConnectionError) {
    return createProviderError({
      ...common,
      kind: 'network',
      detail: describeTransportFailure(error),
    });
  }
  if (error instanceof APIError || error instanceof AnthropicHttpError) {
    const detail = error.apiMessage ?? error.message;
    const status = typeof error.status === 'number' ? error.status : undefined;
    const kind = kindFromType(error.type, detail) ?? kindFromStatus(status ?? 500);
    const retryAfterMs = error.headers ? retryAfterFromHeaders(error.headers) : undefined;
    return createProviderError({
      ...common,
      kind: kind === 'invalid_request' && PROMPT_TOO_LONG.test(detail) ? 'context_length' : kind,
      detail,
      ...(status !== undefined && { status }),
      ...(retryAfterMs !== undefined && { retryAfterMs }),
      ...(error.requestID ? { requestId: error.requestID } : {}),
    });
  }
  // Both paths parse each SSE frame's JSON: a cut or garbled frame is a SyntaxError. A socket
  // closed mid-body surfaces from fetch as a TypeError ("terminated"), from undici as a
  // SocketError; the direct client's time-out before the headers as a HeadersTimeoutError.
  return transportProviderError(common, error, { malformed: error instanceof SyntaxError });
}

/** The kind for Anthropic's `error.type`, or undefined when the body had none we know. */
function kindFromType(type: string | null, detail: string): ProviderErrorKind | undefined {
  switch (type) {
    case 'authentication_error':
    case 'permission_error':
      return 'auth';
    case 'billing_error':
      // Out of credit: a new key will not help, and neither will retrying.
      return 'invalid_request';
    case 'not_found_error':
      return 'model_not_found';
    case 'invalid_request_error':
      return PROMPT_TOO_LONG.test(detail) ? 'context_length' : 'invalid_request';
    case 'request_too_large':
      return 'context_length';
    case 'rate_limit_error':
      return 'rate_limit';
    case 'overloaded_error':
      return 'overloaded';
    case 'api_error':
      return 'server';
    case 'timeout_error':
      return 'timeout';
    default:
      return undefined;
  }
}
