import type { Fault, SimErrorKind } from '../types.js';

function defaults(kind: SimErrorKind): { status: number; detail: string } {
  switch (kind) {
    case 'auth':
      return {
        status: 401,
        detail:
          'Provided API key is invalid. Please visit https://dash.voyageai.com/ to get a valid API key.',
      };
    case 'model_not_found':
      return {
        status: 400,
        detail:
          'Model is not supported. Please see https://docs.voyageai.com/docs/embeddings for supported models.',
      };
    case 'invalid_request':
      return { status: 400, detail: 'Invalid request body.' };
    case 'context_length':
      return {
        status: 400,
        detail:
          'Request to model failed. The max allowed tokens per submitted batch is 120000. Your batch has 204308 tokens after truncation. Please lower the number of tokens in the batch.',
      };
    case 'rate_limit':
      return {
        status: 429,
        detail:
          'You have not yet added your payment method in the billing page and will have reduced rate limits of 3 RPM and 10K TPM. Please try again later.',
      };
    case 'server':
      return { status: 500, detail: 'Internal Server Error' };
    case 'overloaded':
      return { status: 503, detail: 'Service Unavailable' };
    default: {
      const unreachable: never = kind;
      throw new Error(`unknown error kind ${String(unreachable)}`);
    }
  }
}

/** Voyage's error: `{"detail": "<message>"}` with the fault's status and retry headers. */
export function voyageErrorResponse(fault: Extract<Fault, { type: 'http' }>): {
  status: number;
  body: unknown;
  headers: Record<string, string>;
} {
  const base = defaults(fault.kind);
  const headers: Record<string, string> = {};
  if (fault.retryAfterSeconds !== undefined)
    headers['retry-after'] = String(fault.retryAfterSeconds);
  if (fault.retryAfterMs !== undefined) headers['retry-after-ms'] = String(fault.retryAfterMs);
  return {
    status: fault.status ?? base.status,
    body: { detail: fault.message ?? base.detail },
    headers,
  };
}
