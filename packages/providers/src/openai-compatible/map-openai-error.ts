import { ProviderError, type ProviderErrorKind, type ProviderName } from '@catalyst/spec';
import * as groq from 'groq-sdk';
import * as openai from 'openai';
import { createProviderError, kindFromStatus } from '../shared/create-provider-error.js';
import { describeTransportFailure } from '../shared/describe-transport-failure.js';
import { retryAfterFromHeaders } from '../shared/retry-after.js';
import { transportProviderError } from '../shared/transport-provider-error.js';
import { OpenAIHttpError } from './openai-http-error.js';

/** Thrown by the adapter when a stream closes before the provider said the reply was complete. */
export class IncompleteStreamError extends Error {
  constructor() {
    super('the stream ended before the reply was complete');
    this.name = 'IncompleteStreamError';
  }
}

/** What the error mapping needs besides the error. */
export interface OpenAIErrorContext {
  provider: ProviderName;
  model?: string;
  /** The configured key, stripped from every message. */
  secrets: readonly (string | undefined)[];
}

/**
 * Maps whatever an OpenAI-family SDK call threw to a `ProviderError`: HTTP errors by the body's
 * `code`/`type` first (the same status means different things), then by status; errors sent
 * inside a stream (no status) by their code; connection failures, timeouts and cut-off or
 * malformed streams by their class. Keys never reach the message.
 *
 * @example
 * mapOpenAIError(error, { provider: 'openai', model: 'gpt-4.1', secrets: [apiKey] }).kind; // 'context_length'
 */
export function mapOpenAIError(error: unknown, context: OpenAIErrorContext): ProviderError {
  if (error instanceof ProviderError) return error;
  const base = {
    provider: context.provider,
    secrets: context.secrets,
    ...(context.model !== undefined && { model: context.model }),
  };
  if (error instanceof openai.APIUserAbortError || error instanceof groq.APIUserAbortError) {
    return createProviderError({ ...base, kind: 'aborted' });
  }
  if (
    error instanceof openai.APIConnectionTimeoutError ||
    error instanceof groq.APIConnectionTimeoutError
  ) {
    return createProviderError({ ...base, kind: 'timeout', detail: 'the HTTP request timed out' });
  }
  if (error instanceof openai.APIConnectionError || error instanceof groq.APIConnectionError) {
    return createProviderError({
      ...base,
      kind: 'network',
      detail: describeTransportFailure(error),
    });
  }
  if (
    error instanceof openai.APIError ||
    error instanceof groq.APIError ||
    error instanceof OpenAIHttpError
  ) {
    return mapApiError(error, base);
  }
  if (isHeadersTimeout(error)) {
    // The direct client's per-attempt timeout (undici's headersTimeout): the SDK's timeout too.
    return createProviderError({ ...base, kind: 'timeout', detail: 'the HTTP request timed out' });
  }
  if (error instanceof IncompleteStreamError) {
    return createProviderError({ ...base, kind: 'network', detail: error.message });
  }
  // A socket that dies while the body streams surfaces as undici's TypeError("terminated").
  return transportProviderError(base, error, { malformed: error instanceof SyntaxError });
}

/** What both SDKs' `APIError` and the direct client's `OpenAIHttpError` carry. */
interface ApiError {
  status: number | undefined;
  error: unknown;
  headers: Headers | undefined;
  message: string;
}

function isHeadersTimeout(error: unknown): boolean {
  return error instanceof Error && (error as { code?: unknown }).code === 'UND_ERR_HEADERS_TIMEOUT';
}

function mapApiError(
  error: ApiError,
  base: { provider: ProviderName; secrets: readonly (string | undefined)[]; model?: string },
): ProviderError {
  const body = errorBody(error.error);
  const status = error.status;
  const headers = error.headers;
  const detail = body.message ?? error.message;
  const code = body.code ?? '';
  const type = body.type ?? '';
  const requestId = headers?.get('x-request-id') ?? undefined;
  const retryAfterMs = retryAfterFromHeaders(headers);
  const facts = {
    ...base,
    detail,
    ...(status !== undefined && { status }),
    ...(requestId && { requestId }),
    ...(retryAfterMs !== undefined && { retryAfterMs }),
  };
  if (code === 'insufficient_quota' || type === 'insufficient_quota') {
    // Out of credit: a 429 that waiting will not fix.
    return createProviderError({ ...facts, kind: 'rate_limit', retryable: false });
  }
  return createProviderError({ ...facts, kind: kindOf({ status, code, type, detail, body }) });
}

/** The provider's error object, wherever the SDK put it, reduced to the fields we read. */
interface ErrorBody {
  message?: string;
  code?: string;
  type?: string;
  innerCode?: string;
}

function errorBody(payload: unknown): ErrorBody {
  // openai unwraps the body's `error` field; groq-sdk keeps the whole body.
  const inner = isRecord(payload) && 'error' in payload ? payload.error : payload;
  if (typeof inner === 'string') {
    // xAI's gRPC-style body: {"code": "…", "error": "<message>"}.
    const code = isRecord(payload) ? stringOf(payload.code) : undefined;
    return { message: inner, ...(code !== undefined && { code }) };
  }
  if (!isRecord(inner)) return {};
  const result: ErrorBody = {};
  const message = stringOf(inner.message);
  const code = stringOf(inner.code);
  const type = stringOf(inner.type);
  if (message !== undefined) result.message = message;
  if (code !== undefined) result.code = code;
  if (type !== undefined) result.type = type;
  if (isRecord(inner.innererror)) {
    const innerCode = stringOf(inner.innererror.code);
    if (innerCode !== undefined) result.innerCode = innerCode;
  }
  return result;
}

const CONTEXT_LENGTH =
  /maximum context length|context length|context window|too many tokens|prompt is too long/i;
const BAD_KEY = /(incorrect|invalid|missing|wrong)[^.]*api key|api key[^.]*(invalid|incorrect)/i;

function kindOf(facts: {
  status: number | undefined;
  code: string;
  type: string;
  detail: string;
  body: ErrorBody;
}): ProviderErrorKind {
  const { status, code, type, detail } = facts;
  if (code === 'context_length_exceeded' || (status === 400 && CONTEXT_LENGTH.test(detail))) {
    return 'context_length';
  }
  if (
    code === 'model_not_found' ||
    code === 'DeploymentNotFound' ||
    code === 'model_decommissioned'
  ) {
    return 'model_not_found';
  }
  if (code === 'invalid_api_key' || status === 401 || status === 403) return 'auth';
  // xAI answers a bad key with HTTP 400 {"code":"invalid-argument","error":"Incorrect API key…"}.
  if (status === 400 && BAD_KEY.test(detail)) return 'auth';
  if (code === 'content_filter' || facts.body.innerCode === 'ResponsibleAIPolicyViolation') {
    return 'content_filter';
  }
  // Groq's flex tier answers 498 when capacity runs out: overloaded, worth retrying later.
  if (status === 498 || code === 'capacity_exceeded') return 'overloaded';
  if (status !== undefined) return kindFromStatus(status);
  // An error inside a stream has no status; its code or type says what it was.
  if (code === 'rate_limit_exceeded' || type === 'tokens' || type === 'requests') {
    return 'rate_limit';
  }
  if (code === 'overloaded' || type === 'overloaded_error') return 'overloaded';
  if (type === 'invalid_request_error') return 'invalid_request';
  return 'server';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function stringOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}
