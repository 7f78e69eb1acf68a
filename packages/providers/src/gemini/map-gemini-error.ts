import { ProviderError, type ProviderErrorKind } from '@catalyst/spec';
import { ApiError } from '@google/genai';
import { createProviderError, kindFromStatus } from '../shared/create-provider-error.js';
import { retryAfterFromHeaders } from '../shared/retry-after.js';
import { transportProviderError } from '../shared/transport-provider-error.js';

/** The `error` object of a Google API error body. */
interface GoogleErrorBody {
  code?: number;
  message?: string;
  status?: string;
  details?: Array<{ '@type'?: string; reason?: string; retryDelay?: string }>;
}

const BAD_KEY = /API key not valid|API_KEY_INVALID/i;
const TOO_LONG = /exceeds the maximum number of tokens|input token count .*exceeds|too long/i;
// The SDKs' words for a cut or garbled stream chunk (the Python SDK's third phrase too: both
// runtimes recognise the same messages).
const MALFORMED =
  /exception parsing stream chunk|Incomplete JSON segment|Failed to parse response as JSON/i;

/**
 * Maps anything `@google/genai` (or fetch under it) threw to a `ProviderError`. Google answers a
 * bad key with 400 (not 401), so the body's `API_KEY_INVALID` reason decides; a 429's wait comes
 * from `RetryInfo.retryDelay` ("34.4s") or, failing that, the `retry-after` header the caller
 * captured. `secrets` (the configured key) never reach the message.
 */
export function mapGeminiError(options: {
  error: unknown;
  model?: string;
  secrets?: readonly (string | undefined)[];
  /** Headers of the failed response, when the caller could capture them. */
  responseHeaders?: Headers;
}): ProviderError {
  const { error, model } = options;
  if (error instanceof ProviderError) return error;
  const common = {
    provider: 'gemini' as const,
    ...(model !== undefined && { model }),
    secrets: options.secrets ?? [],
  };

  if (error instanceof ApiError) {
    const body = parseErrorBody(error.message);
    const detail = body?.message ?? error.message;
    const status = error.status;
    const reasons = (body?.details ?? []).map((entry) => entry.reason ?? '').join(' ');
    let kind: ProviderErrorKind = kindFromStatus(status);
    if (BAD_KEY.test(`${reasons} ${detail}`)) kind = 'auth';
    else if (kind === 'invalid_request' && TOO_LONG.test(detail)) kind = 'context_length';
    const retryAfterMs =
      retryDelayFromDetails(body) ?? retryAfterFromHeaders(options.responseHeaders);
    return createProviderError({
      ...common,
      kind,
      detail,
      status,
      ...(retryAfterMs !== undefined && { retryAfterMs }),
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  // fetch failures ("fetch failed", a socket "terminated" mid-body) and anything unforeseen are
  // network errors; a cut or garbled chunk is a malformed stream.
  return transportProviderError(common, error, {
    malformed: error instanceof SyntaxError || (error instanceof Error && MALFORMED.test(message)),
  });
}

/**
 * The SDK puts the whole JSON body in the message (`{"error":{…}}`), prefixed with
 * "got status: …. " for errors inside a stream.
 */
function parseErrorBody(message: string): GoogleErrorBody | undefined {
  const start = message.indexOf('{');
  if (start === -1) return undefined;
  try {
    const parsed: unknown = JSON.parse(message.slice(start));
    if (typeof parsed !== 'object' || parsed === null || !('error' in parsed)) return undefined;
    const inner = parsed.error;
    return typeof inner === 'object' && inner !== null ? (inner as GoogleErrorBody) : undefined;
  } catch {
    return undefined;
  }
}

/** `google.rpc.RetryInfo.retryDelay` is a protobuf Duration in JSON: "34.4s". */
function retryDelayFromDetails(body: GoogleErrorBody | undefined): number | undefined {
  for (const entry of body?.details ?? []) {
    const match = /^(\d+(?:\.\d+)?)s$/.exec(entry.retryDelay ?? '');
    if (match?.[1] !== undefined) return Math.round(Number.parseFloat(match[1]) * 1000);
  }
  return undefined;
}
