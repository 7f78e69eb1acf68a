import { STATUS_CODES } from 'node:http';
import { ApiError } from '@google/genai';

/**
 * The error `@google/genai` throws for a non-2xx answer (its `throwErrorIfNotOK`), built the same
 * way so that `mapGeminiError` reads both paths alike: a JSON body (by `content-type`) is parsed
 * (a body that is not JSON throws the `SyntaxError`, as `response.json()` does) and put whole in
 * the message; any other body becomes `{"error":{"message":<text>,"code":<status>,"status":
 * <reason phrase>}}`. A 4xx or 5xx is an `ApiError` with the status, anything else a plain
 * `Error`.
 *
 * The reason phrase is Node's standard one for the status: undici's request API does not expose
 * the phrase the server sent, and both Google and Node servers send the standard phrases.
 */
export function geminiErrorFromBody(options: {
  status: number;
  text: string;
  contentType: string | undefined;
}): Error {
  const { status, text } = options;
  const body: unknown = options.contentType?.includes('application/json')
    ? JSON.parse(text)
    : { error: { message: text, code: status, status: STATUS_CODES[status] ?? '' } };
  const message = JSON.stringify(body);
  return status >= 400 && status < 600 ? new ApiError({ message, status }) : new Error(message);
}

/**
 * The error an in-stream chunk stands for, as the SDK's `throwIfStreamErrorChunk` sees it: a JSON
 * object whose `error` is an object with a numeric `code` from 400 to 599 (Google's error after an
 * HTTP 200), else `undefined`.
 */
export function geminiStreamChunkError(chunk: unknown): ApiError | undefined {
  if (typeof chunk !== 'object' || chunk === null || !('error' in chunk)) return undefined;
  const inner = chunk.error;
  if (typeof inner !== 'object' || inner === null) return undefined;
  const { code, status } = inner as { code?: unknown; status?: unknown };
  if (typeof code !== 'number' || code < 400 || code >= 600) return undefined;
  return new ApiError({ message: `got status: ${status}. ${JSON.stringify(chunk)}`, status: code });
}
