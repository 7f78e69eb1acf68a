import type { ProviderErrorInfo, ProviderErrorKind } from '@catalyst/spec';

/** OpenAI's error envelope, which the official SDKs parse into `APIError`. */
export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** An HTTP status plus OpenAI-shaped body. */
export interface OpenAIErrorResponse {
  status: number;
  body: OpenAIErrorBody;
}

/** A client mistake found while reading an OpenAI request (bad JSON, missing field…). */
export function invalidRequestResponse(
  message: string,
  param: string | null = null,
): OpenAIErrorResponse {
  return {
    status: 400,
    body: { error: { message, type: 'invalid_request_error', param, code: null } },
  };
}

/** Maps a provider error to the status and body OpenAI would send for the same failure. */
export function providerErrorResponse(error: ProviderErrorInfo): OpenAIErrorResponse {
  const [status, type, code] = statusFor(error.kind);
  return { status, body: { error: { message: error.message, type, param: null, code } } };
}

function statusFor(kind: ProviderErrorKind): [number, string, string | null] {
  switch (kind) {
    case 'invalid_request':
      return [400, 'invalid_request_error', null];
    case 'context_length':
      return [400, 'invalid_request_error', 'context_length_exceeded'];
    case 'content_filter':
      return [400, 'invalid_request_error', 'content_filter'];
    case 'auth':
      return [401, 'authentication_error', 'invalid_api_key'];
    case 'model_not_found':
      return [404, 'invalid_request_error', 'model_not_found'];
    case 'rate_limit':
      return [429, 'rate_limit_error', 'rate_limit_exceeded'];
    case 'aborted':
      // nginx's "client closed request": the client went away, nobody reads this.
      return [499, 'api_error', 'aborted'];
    case 'server':
      return [500, 'server_error', null];
    case 'network':
      return [502, 'server_error', null];
    case 'overloaded':
      return [503, 'server_error', 'overloaded'];
    case 'timeout':
      return [504, 'server_error', 'timeout'];
    default: {
      const unreachable: never = kind;
      return [500, 'server_error', String(unreachable)];
    }
  }
}
