import type { Fault, SimErrorKind, SimRequest } from '../types.js';
import { openAiHeaders } from './openai-headers.js';
import type { OpenAiVendor } from './openai-vendor.js';

type HttpFault = Extract<Fault, { type: 'http' }>;

interface ErrorFacts {
  status: number;
  message: string;
  type: string | null;
  code: string | null;
  param: string | null;
}

function facts(kind: SimErrorKind, model: string, vendor: OpenAiVendor): ErrorFacts {
  switch (kind) {
    case 'auth':
      return {
        status: 401,
        message:
          vendor.provider === 'azure'
            ? 'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.'
            : 'Incorrect API key provided: sk-sim...test. You can find your API key at https://platform.openai.com/account/api-keys.',
        type: 'invalid_request_error',
        code: 'invalid_api_key',
        param: null,
      };
    case 'model_not_found':
      return {
        status: 404,
        message:
          vendor.provider === 'azure'
            ? 'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.'
            : `The model \`${model}\` does not exist or you do not have access to it.`,
        type: 'invalid_request_error',
        code: vendor.provider === 'azure' ? 'DeploymentNotFound' : 'model_not_found',
        param: null,
      };
    case 'invalid_request':
      return {
        status: 400,
        message: 'Invalid request.',
        type: 'invalid_request_error',
        code: null,
        param: null,
      };
    case 'context_length':
      return {
        status: 400,
        message:
          "This model's maximum context length is 128000 tokens. However, your messages resulted in 204308 tokens. Please reduce the length of the messages.",
        type: 'invalid_request_error',
        code: 'context_length_exceeded',
        param: 'messages',
      };
    case 'rate_limit':
      return {
        status: 429,
        message: `Rate limit reached for ${model} in organization org-simulated on tokens per min (TPM): Limit 30000, Used 22343, Requested 10955. Please try again in 6.596s.`,
        type: 'tokens',
        code: 'rate_limit_exceeded',
        param: null,
      };
    case 'server':
      return {
        status: 500,
        message: 'The server had an error while processing your request. Sorry about that!',
        type: 'server_error',
        code: null,
        param: null,
      };
    case 'overloaded':
      return {
        status: 503,
        message: 'The engine is currently overloaded, please try again later.',
        type: 'server_error',
        code: null,
        param: null,
      };
    default: {
      const unreachable: never = kind;
      throw new Error(`unknown error kind ${String(unreachable)}`);
    }
  }
}

function retryHeaders(fault: HttpFault): Record<string, string> {
  const headers: Record<string, string> = {};
  if (fault.retryAfterSeconds !== undefined)
    headers['retry-after'] = String(fault.retryAfterSeconds);
  if (fault.retryAfterMs !== undefined) headers['retry-after-ms'] = String(fault.retryAfterMs);
  return headers;
}

/**
 * The error an OpenAI-family vendor really sends for a fault kind: OpenAI's
 * `{error:{message,type,param,code}}`, Azure's `{error:{code:"401",message}}`, or xAI's gRPC-style
 * bad-key body on HTTP 400.
 */
export function openAiErrorResponse(
  vendor: OpenAiVendor,
  request: SimRequest,
  fault: HttpFault,
): { status: number; body: unknown; headers: Record<string, string> } {
  const model = request.model ?? 'unknown-model';
  const base = facts(fault.kind, model, vendor);
  const status = fault.status ?? base.status;
  const message = fault.message ?? base.message;
  const headers = { ...openAiHeaders(request), ...retryHeaders(fault) };
  if (fault.kind === 'rate_limit') {
    headers['x-ratelimit-remaining-tokens'] = '0';
    headers['x-ratelimit-reset-tokens'] = '6.596s';
  }

  if (vendor.grpcStyleAuthError && fault.kind === 'auth') {
    return {
      status: fault.status ?? 400,
      body: {
        code: 'invalid-argument',
        error:
          fault.message ??
          'Incorrect API key provided. You can obtain an API key from https://console.x.ai.',
      },
      headers,
    };
  }
  if (
    vendor.errorStyle === 'azure' &&
    fault.kind !== 'context_length' &&
    fault.kind !== 'invalid_request'
  ) {
    const code = fault.kind === 'model_not_found' ? 'DeploymentNotFound' : String(status);
    return { status, body: { error: { code, message } }, headers };
  }
  return {
    status,
    body: {
      error: {
        message,
        type: base.type,
        param: base.param,
        code: base.code,
        ...(vendor.errorStyle === 'azure' ? { status } : {}),
      },
    },
    headers,
  };
}
