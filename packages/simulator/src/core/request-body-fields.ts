import type { IncomingMessage } from 'node:http';

/** Request headers as a flat record (repeated headers joined with a comma). */
export function flattenHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/** The `model` field of a JSON body, if it is a string. */
export function modelFromBody(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const model = (body as { model?: unknown }).model;
  return typeof model === 'string' ? model : undefined;
}

/** Whether a JSON body asks for a stream (`stream: true`). */
export function streamFromBody(body: unknown): boolean {
  return (
    typeof body === 'object' && body !== null && (body as { stream?: unknown }).stream === true
  );
}
