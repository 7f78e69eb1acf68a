import { sdkErrorMessage } from '../shared/sdk-error-message.js';
/**
 * An error answer of the Messages API, as the direct HTTP client saw it: the HTTP status (absent
 * for an `event: error` frame inside a stream), the whole JSON body, and the response headers.
 * Built field for field like the `@anthropic-ai/sdk` `APIError` (same `message`, `apiMessage`,
 * `type` and `requestID`), so that `mapAnthropicError` classifies both paths the same way.
 */
export class AnthropicHttpError extends Error {
  /** `error.message` of the body, when there is one. */
  readonly apiMessage: string | null;
  /** `error.type` of the body (`overloaded_error`, `invalid_request_error` …), when there is one. */
  readonly type: string | null;
  /** The `request-id` response header. */
  readonly requestID: string | null | undefined;

  constructor(
    readonly status: number | undefined,
    /** The parsed JSON body (the SDK's `error`), or the frame's text when it was not JSON. */
    readonly error: unknown,
    /** The body as text when it was not JSON. */
    bodyText: string | undefined,
    readonly headers: Headers | undefined,
  ) {
    super(sdkErrorMessage(status, error, bodyText));
    this.name = 'AnthropicHttpError';
    this.requestID = headers?.get('request-id');
    const inner = innerError(error);
    const message = inner?.message;
    this.apiMessage = (message as string | undefined) ?? null;
    this.type = (inner?.type as string | undefined) ?? null;
  }
}

/** The body's `error` object, read as loosely as the SDK reads it. */
function innerError(body: unknown): Record<string, unknown> | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const inner = (body as { error?: unknown }).error;
  return typeof inner === 'object' && inner !== null
    ? (inner as Record<string, unknown>)
    : undefined;
}

/** The body parsed as JSON, or undefined when it is not JSON (the SDK's `safeJSON`). */
export function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The error for a non-2xx answer whose body was `text`, as the SDK builds it: a JSON body is
 * kept whole (its `error.type` and `error.message` are read from it), any other body as text.
 */
export function anthropicHttpErrorFromBody(
  status: number,
  text: string,
  headers: Headers,
): AnthropicHttpError {
  const parsed = parseJsonOrUndefined(text);
  return parsed
    ? new AnthropicHttpError(status, parsed, undefined, headers)
    : new AnthropicHttpError(status, undefined, text, headers);
}
