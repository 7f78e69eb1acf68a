import type { IncomingHttpHeaders } from 'node:http';

/** The first value of a Node response header (undici gives repeated headers as an array). */
export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Node response headers as a web `Headers`, for errors shaped like the SDKs' (rare, so the
 * conversion is kept off the hot path).
 */
export function toHeaders(headers: IncomingHttpHeaders): Headers {
  const result = new Headers();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) result.append(name, item);
  }
  return result;
}
