import type { IncomingHttpHeaders } from 'node:http';

const SECRET_HEADERS = new Set(['authorization', 'x-api-key', 'api-key', 'x-goog-api-key']);
const SECRET_QUERY_PARAMETERS = new Set(['key']);

/** Placeholder for a removed secret. */
export const REDACTED = '[redacted]';

/** Flattens request headers and replaces credentials, so the log never holds a key. */
export function redactHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : value;
    result[name] = SECRET_HEADERS.has(name.toLowerCase()) ? REDACTED : text;
  }
  return result;
}

/** Query parameters as an object, with the Gemini-style `key` parameter replaced. */
export function redactQuery(query: URLSearchParams): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of query) {
    result[name] = SECRET_QUERY_PARAMETERS.has(name) ? REDACTED : value;
  }
  return result;
}
