import type {
  GenerateContentParameters,
  GenerateContentResponse,
  GoogleGenAI,
} from '@google/genai';

/** The fields of a stream chunk the provider reads; the direct path yields the wire JSON as is. */
export type GeminiStreamChunk = Pick<
  GenerateContentResponse,
  'candidates' | 'usageMetadata' | 'promptFeedback' | 'modelVersion' | 'responseId'
>;

/** One `streamGenerateContent` call. */
export interface GeminiStreamCall {
  /** What `createGeminiRequest` built (model, contents, config without the signal). */
  parameters: GenerateContentParameters;
  signal: AbortSignal;
  /** The request's own headers (`traceparent` …); they win over configured ones. */
  headers?: Record<string, string>;
  /**
   * Where the headers of a failed answer are left, for `retry-after` (the SDK's `ApiError`
   * keeps only status and body).
   */
  captured: { headers?: Headers };
}

/**
 * The one hot call the Gemini provider makes, over either the direct HTTP client (shipped) or
 * `@google/genai` (the oracle in tests, and the fallback for what the direct client does not
 * mirror). Errors are the SDK's: an `ApiError` with the status and the body in its message.
 * Aborting `signal`, or closing the chunks early, closes the connection.
 */
export interface GeminiStreamClient {
  streamGenerateContent(call: GeminiStreamCall): Promise<AsyncIterable<GeminiStreamChunk>>;
}

/**
 * Wraps a `@google/genai` client built without `retryOptions` (one attempt: `providerStream`
 * retries).
 */
export function geminiSdkStreamClient(client: GoogleGenAI): GeminiStreamClient {
  return {
    streamGenerateContent: ({ parameters, signal, headers, captured }) =>
      client.models.generateContentStream({
        ...parameters,
        config: {
          ...parameters.config,
          abortSignal: signal,
          httpOptions: {
            fetch: capturingFetch(captured),
            ...(headers && { headers }),
          },
        },
      }),
  };
}

/**
 * A fetch that records the response headers of the attempt, for retry-after on a 429. With a
 * custom fetch the SDK skips its no-timeout undici dispatcher, so Node's default body timeout
 * (300 s between bytes) applies; far above any first-token timeout we set.
 */
function capturingFetch(captured: { headers?: Headers }): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    captured.headers = response.headers;
    return response;
  };
}
