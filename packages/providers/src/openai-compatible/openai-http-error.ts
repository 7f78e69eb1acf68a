import { sdkErrorMessage } from '../shared/sdk-error-message.js';
/**
 * An error answer of a Chat Completions server, as the direct HTTP client saw it: the HTTP
 * status (absent for an error sent inside a stream), the error object of the body, and the
 * response headers. Shaped like the `openai` SDK's `APIError` (same `message`, `error`, `status`
 * and `headers`), so that one mapping (`mapOpenAIError`) classifies both paths the same way.
 */
export class OpenAIHttpError extends Error {
  constructor(
    readonly status: number | undefined,
    /** The body's `error` field (OpenAI) or the whole body when it has none usable (Groq, xAI). */
    readonly error: unknown,
    /** The body as text when it was not JSON. */
    readonly bodyText: string | undefined,
    readonly headers: Headers | undefined,
  ) {
    super(sdkErrorMessage(status, error, bodyText));
    this.name = 'OpenAIHttpError';
  }
}

/**
 * The error for a non-2xx answer whose body was `text`: JSON bodies are unwrapped like the SDK
 * does (`body.error`), others keep their text.
 */
export function openAIHttpErrorFromBody(
  status: number,
  text: string,
  headers: Headers,
): OpenAIHttpError {
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined) return new OpenAIHttpError(status, undefined, text, headers);
  const inner =
    typeof parsed === 'object' && parsed !== null
      ? (parsed as { error?: unknown }).error
      : undefined;
  return new OpenAIHttpError(status, inner, undefined, headers);
}
