import { stableId } from '../core/stable-hash.js';
import type { SimRequest } from '../types.js';

/** Headers OpenAI-family APIs send on every response: a request id and rate-limit state. */
export function openAiHeaders(request: SimRequest): Record<string, string> {
  return {
    'x-request-id': `req_${stableId(`request:${request.id}`, 32)}`,
    'openai-processing-ms': '12',
    'openai-version': '2020-10-01',
    'x-ratelimit-limit-requests': '10000',
    'x-ratelimit-limit-tokens': '30000000',
    'x-ratelimit-remaining-requests': '9999',
    'x-ratelimit-remaining-tokens': '29999000',
    'x-ratelimit-reset-requests': '6ms',
    'x-ratelimit-reset-tokens': '2ms',
  };
}
