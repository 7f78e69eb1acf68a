import type { JsonValue } from '@catalyst/spec';
import { errorResponse } from './error-response.js';
import type { ServerLimits } from './server-limits.js';

/**
 * Reads a request body as the workflow input, or answers what is wrong with it: 415 unless it is
 * `application/json`, 413 above the size limit (counted while reading, so a lying or missing
 * Content-Length cannot get more in), 400 for an empty body, invalid UTF-8, nesting deeper than
 * the limit (checked before parsing, so no parser recursion), JSON syntax, or a lone surrogate.
 */
export async function readJsonBody(
  request: Request,
  limits: ServerLimits,
): Promise<{ input: JsonValue } | Response> {
  if (!isJsonContentType(request.headers.get('content-type'))) {
    return errorResponse(415, {
      kind: 'unsupported_media_type',
      message: 'send the workflow input as JSON with the header "Content-Type: application/json"',
    });
  }
  const tooLarge = () =>
    errorResponse(413, {
      kind: 'payload_too_large',
      message: `the request body is larger than the limit of ${limits.maxBodyBytes} bytes`,
    });
  const length = request.headers.get('content-length');
  const declared = Number(length ?? '0');
  if (declared > limits.maxBodyBytes) return tooLarge();
  // A declared length within the limit is read in one go (Node's adapter then reads the socket
  // directly, with no web stream); the size is still checked on what arrived.
  const bytes =
    length !== null && Number.isInteger(declared)
      ? await readWhole(request, limits.maxBodyBytes)
      : await readAtMost(request, limits.maxBodyBytes);
  if (bytes === undefined) return tooLarge();
  return parseJsonBody(bytes, limits);
}

/**
 * The workflow input in a request body already read (and within the size limit), or the 400
 * that says what is wrong with it: empty, invalid UTF-8, nested deeper than the limit, not JSON,
 * or holding a lone surrogate. `readJsonBody` and the direct routes (`direct-routes.ts`) share it.
 */
export function parseJsonBody(
  bytes: Uint8Array,
  limits: Pick<ServerLimits, 'maxJsonDepth'>,
): { input: JsonValue } | Response {
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    return invalidUnicode();
  }
  if (text.trim() === '') {
    return errorResponse(400, {
      kind: 'invalid_json',
      message: 'the request body is empty; send the workflow input as a JSON object',
    });
  }
  if (jsonDepthExceeds(text, limits.maxJsonDepth)) {
    return errorResponse(400, {
      kind: 'invalid_json',
      message: `the request body nests arrays and objects deeper than ${limits.maxJsonDepth} levels`,
    });
  }
  let input: JsonValue;
  try {
    input = JSON.parse(text) as JsonValue;
  } catch {
    // The parser's own wording differs between runtimes; the 4xx bodies must not.
    return errorResponse(400, {
      kind: 'invalid_json',
      message: 'the request body is not valid JSON',
    });
  }
  if (holdsLoneSurrogate(input)) return invalidUnicode();
  return { input };
}

function invalidUnicode(): Response {
  return errorResponse(400, {
    kind: 'invalid_json',
    message:
      'the request body holds invalid Unicode (invalid UTF-8 or a lone surrogate such as \\ud800)',
  });
}

/** `application/json`, with or without parameters (`; charset=utf-8`), any letter case. */
export function isJsonContentType(value: string | null): boolean {
  if (value === null) return false;
  return value.split(';')[0]?.trim().toLowerCase() === 'application/json';
}

/** Strict UTF-8 (invalid bytes throw); one instance serves every request. */
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** The whole body's bytes, or undefined when they pass `maximum`. */
async function readWhole(request: Request, maximum: number): Promise<Uint8Array | undefined> {
  const bytes = new Uint8Array(await request.arrayBuffer());
  return bytes.byteLength > maximum ? undefined : bytes;
}

/** The body's bytes, or undefined as soon as it passes `maximum` (the rest is never read). */
async function readAtMost(request: Request, maximum: number): Promise<Uint8Array | undefined> {
  if (request.body === null) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = request.body.getReader();
  while (true) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maximum) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/**
 * Whether `[` and `{` nest deeper than `maximum` outside strings. One pass, no recursion; the
 * text need not be valid JSON (the parser reports that afterwards).
 */
export function jsonDepthExceeds(text: string, maximum: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const character = text.charCodeAt(index);
    if (inString) {
      if (character === 0x5c) index += 1;
      else if (character === 0x22) inString = false;
    } else if (character === 0x22) {
      inString = true;
    } else if (character === 0x5b || character === 0x7b) {
      depth += 1;
      if (depth > maximum) return true;
    } else if (character === 0x5d || character === 0x7d) {
      depth -= 1;
    }
  }
  return false;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Whether any string or key holds half a UTF-16 pair (`"\ud800"`), which no UTF-8 can carry. */
function holdsLoneSurrogate(value: JsonValue): boolean {
  const pending: JsonValue[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next === 'string') {
      if (LONE_SURROGATE.test(next)) return true;
    } else if (Array.isArray(next)) {
      pending.push(...next);
    } else if (next !== null && typeof next === 'object') {
      for (const [key, item] of Object.entries(next)) {
        if (LONE_SURROGATE.test(key)) return true;
        pending.push(item);
      }
    }
  }
  return false;
}
