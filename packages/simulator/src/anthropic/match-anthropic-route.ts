import type { RouteMatch } from '../types.js';

const MODEL_PATH = /^\/v1\/models\/([^/]+)$/;

/** Whether request headers show an Anthropic client (every Anthropic SDK sends both). */
export function looksAnthropic(headers: Record<string, string> | undefined): boolean {
  return headers?.['anthropic-version'] !== undefined || headers?.['x-api-key'] !== undefined;
}

/**
 * Claims the Anthropic Messages API routes. The SDK appends `/v1/...` to its base URL, so these
 * paths are absolute. `GET /v1/models` is also OpenAI's path: it is claimed only when the headers
 * (when the core passes them) show an Anthropic client, and `GET /v1/models/{id}` only for
 * Claude ids or Anthropic headers, so OpenAI clients keep their own list.
 */
export function matchAnthropicRoute(
  method: string,
  pathname: string,
  headers?: Record<string, string>,
): RouteMatch | null {
  if (method === 'POST' && pathname === '/v1/messages') {
    return { provider: 'anthropic', operation: 'chat' };
  }
  if (method === 'POST' && pathname === '/v1/messages/count_tokens') {
    return { provider: 'anthropic', operation: 'count_tokens' };
  }
  if (method === 'GET' && pathname === '/v1/models' && looksAnthropic(headers)) {
    return { provider: 'anthropic', operation: 'models' };
  }
  const model = method === 'GET' ? MODEL_PATH.exec(pathname) : null;
  if (model?.[1] !== undefined && (model[1].startsWith('claude') || looksAnthropic(headers))) {
    return { provider: 'anthropic', operation: 'models', model: decodeURIComponent(model[1]) };
  }
  return null;
}
