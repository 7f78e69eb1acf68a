import type { Fault, SimErrorKind, SimRequest } from '../types.js';
import { geminiApiVersion, geminiMethod } from './match-gemini-route.js';
import { summarizeGeminiRequest } from './summarize-gemini-request.js';

/** Gemini 2.x and 3.x models take about a million input tokens. */
const INPUT_TOKEN_LIMIT = 1_048_576;

/** The body of a Google API error (`google.rpc.Status` as JSON). */
export interface GeminiErrorBody {
  error: { code: number; message: string; status: string; details?: unknown[] };
}

/** Google's canonical status name for each HTTP status it uses. */
const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

function retryDelaySeconds(fault: Extract<Fault, { type: 'http' }> | undefined): number {
  if (fault?.retryAfterSeconds !== undefined) {
    return fault.retryAfterSeconds;
  }
  return fault?.retryAfterMs === undefined ? 34 : fault.retryAfterMs / 1000;
}

/**
 * The error the real API sends for a kind, as a body. A bad key is HTTP 400 INVALID_ARGUMENT with
 * reason API_KEY_INVALID, not 401: that is what Google really answers, and clients that only look
 * for 401 miss it.
 */
export function geminiErrorBody(options: {
  kind: SimErrorKind;
  model: string;
  pathname: string;
  inputTokens: number;
  fault?: Extract<Fault, { type: 'http' }>;
}): GeminiErrorBody {
  const { kind, model, pathname, fault } = options;
  switch (kind) {
    case 'auth':
      return {
        error: {
          code: 400,
          message: 'API key not valid. Please pass a valid API key.',
          status: 'INVALID_ARGUMENT',
          details: [
            {
              '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
              reason: 'API_KEY_INVALID',
              domain: 'googleapis.com',
              metadata: { service: 'generativelanguage.googleapis.com' },
            },
            {
              '@type': 'type.googleapis.com/google.rpc.LocalizedMessage',
              locale: 'en-US',
              message: 'API key not valid. Please pass a valid API key.',
            },
          ],
        },
      };
    case 'model_not_found': {
      const method = geminiMethod(pathname) ?? 'generateContent';
      return {
        error: {
          code: 404,
          message: `models/${model} is not found for API version ${geminiApiVersion(pathname)}, or is not supported for ${method}. Call ListModels to see the list of available models and their supported methods.`,
          status: 'NOT_FOUND',
        },
      };
    }
    case 'invalid_request':
      return {
        error: {
          code: 400,
          message: 'Request contains an invalid argument.',
          status: 'INVALID_ARGUMENT',
        },
      };
    case 'context_length': {
      // A scripted fault on a short prompt still reports a count above the limit, so the pair
      // reads as a real overflow to a client that parses it.
      const tokens =
        options.inputTokens > INPUT_TOKEN_LIMIT
          ? options.inputTokens
          : INPUT_TOKEN_LIMIT + options.inputTokens;
      return {
        error: {
          code: 400,
          message: `The input token count (${tokens}) exceeds the maximum number of tokens allowed (${INPUT_TOKEN_LIMIT}).`,
          status: 'INVALID_ARGUMENT',
        },
      };
    }
    case 'rate_limit':
      return {
        error: {
          code: 429,
          message:
            'You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.',
          status: 'RESOURCE_EXHAUSTED',
          details: [
            {
              '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
              violations: [
                {
                  quotaMetric:
                    'generativelanguage.googleapis.com/generate_content_free_tier_requests',
                  quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier',
                  quotaDimensions: { location: 'global', model },
                  quotaValue: '10',
                },
              ],
            },
            {
              '@type': 'type.googleapis.com/google.rpc.Help',
              links: [
                {
                  description: 'Learn more about Gemini API quotas',
                  url: 'https://ai.google.dev/gemini-api/docs/rate-limits',
                },
              ],
            },
            {
              '@type': 'type.googleapis.com/google.rpc.RetryInfo',
              retryDelay: `${retryDelaySeconds(fault)}s`,
            },
          ],
        },
      };
    case 'server':
      return {
        error: {
          code: 500,
          message:
            'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
          status: 'INTERNAL',
        },
      };
    case 'overloaded':
      return {
        error: {
          code: 503,
          message: 'The model is overloaded. Please try again later.',
          status: 'UNAVAILABLE',
        },
      };
    default: {
      const unreachable: never = kind;
      throw new Error(`unknown error kind ${String(unreachable)}`);
    }
  }
}

/** Renders an HTTP error exactly as the Gemini API sends it. */
export function geminiErrorResponse(
  request: SimRequest,
  fault: Extract<Fault, { type: 'http' }>,
): { status: number; body: GeminiErrorBody; headers: Record<string, string> } {
  const summary = summarizeGeminiRequest(request);
  const body = geminiErrorBody({
    kind: fault.kind,
    model: request.model ?? 'unknown',
    pathname: request.path,
    inputTokens: Math.ceil(summary.promptText.length / 4),
    fault,
  });
  const status = fault.status ?? body.error.code;
  body.error.code = status;
  body.error.status = STATUS_NAMES[status] ?? body.error.status;
  if (fault.message !== undefined) {
    body.error.message = fault.message;
  }
  // Google does not send retry-after itself (the wait is in RetryInfo); a scenario may add it to
  // test clients behind proxies that do.
  const headers: Record<string, string> = {};
  if (fault.retryAfterSeconds !== undefined) {
    headers['retry-after'] = String(fault.retryAfterSeconds);
  }
  return { status, body, headers };
}

/**
 * The in-stream error Google sends after HTTP 200: a `data:` event whose JSON has an `error` key.
 * @google/genai throws ApiError on it.
 */
export function geminiErrorFrame(kind: SimErrorKind, message: string, model: string): string {
  const body = geminiErrorBody({ kind, model, pathname: '', inputTokens: 0 });
  if (message !== '') {
    body.error.message = message;
  }
  return `data: ${JSON.stringify(body)}\r\n\r\n`;
}
