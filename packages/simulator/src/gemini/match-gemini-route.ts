import type { RouteMatch } from '../types.js';

/** `/v1beta/models/gemini-2.5-flash:generateContent` and the `/v1/…` twin. */
const METHOD_PATH = /^\/(?:v1beta|v1|v1alpha)\/models\/([^/:]+)(?::|%3A)([A-Za-z]+)$/;
const MODEL_PATH = /^\/(?:v1beta|v1|v1alpha)\/models\/([^/:]+)$/;
const LIST_PATH = /^\/(?:v1beta|v1|v1alpha)\/models$/;
/** Paths only Google uses; `/v1/models` is also OpenAI's and Anthropic's. */
const GOOGLE_ONLY_PATH = /^\/(?:v1beta|v1alpha)\//;

/** Whether a GET on a models path is Gemini's: a Google-only prefix, a Gemini id or a Google key. */
function isGeminiModelsPath(
  pathname: string,
  model: string | undefined,
  headers?: Record<string, string>,
): boolean {
  return (
    GOOGLE_ONLY_PATH.test(pathname) ||
    model?.startsWith('gemini') === true ||
    model?.startsWith('gemma') === true ||
    headers?.['x-goog-api-key'] !== undefined
  );
}

/** The Gemini API method names the simulator serves (the part after the colon). */
export type GeminiMethod =
  | 'generateContent'
  | 'streamGenerateContent'
  | 'countTokens'
  | 'embedContent'
  | 'batchEmbedContents';

/** The method of a Gemini path, or undefined for list and get-model paths. */
export function geminiMethod(pathname: string): GeminiMethod | undefined {
  const method = METHOD_PATH.exec(pathname)?.[2];
  switch (method) {
    case 'generateContent':
    case 'streamGenerateContent':
    case 'countTokens':
    case 'embedContent':
    case 'batchEmbedContents':
      return method;
    default:
      return undefined;
  }
}

/** The API version (`v1beta`, `v1`) of a path, quoted in 404 messages. */
export function geminiApiVersion(pathname: string): string {
  return /^\/(v1beta|v1|v1alpha)\//.exec(pathname)?.[1] ?? 'v1beta';
}

/**
 * Claims the Gemini API routes: generate (stream and not), countTokens, embedContent,
 * batchEmbedContents, and the model list and model get. The model comes from the path.
 */
export function matchGeminiRoute(
  method: string,
  pathname: string,
  headers?: Record<string, string>,
): RouteMatch | null {
  if (
    method === 'GET' &&
    LIST_PATH.test(pathname) &&
    isGeminiModelsPath(pathname, undefined, headers)
  ) {
    return { provider: 'gemini', operation: 'models' };
  }
  const single = method === 'GET' ? MODEL_PATH.exec(pathname)?.[1] : undefined;
  if (single !== undefined && isGeminiModelsPath(pathname, decodeURIComponent(single), headers)) {
    return { provider: 'gemini', operation: 'models', model: decodeURIComponent(single) };
  }
  if (method !== 'POST') {
    return null;
  }
  const model = METHOD_PATH.exec(pathname)?.[1];
  const geminiMethodName = geminiMethod(pathname);
  if (model === undefined || geminiMethodName === undefined) {
    return null;
  }
  const decodedModel = decodeURIComponent(model);
  switch (geminiMethodName) {
    case 'generateContent':
      return { provider: 'gemini', operation: 'chat', model: decodedModel, stream: false };
    case 'streamGenerateContent':
      return { provider: 'gemini', operation: 'chat', model: decodedModel, stream: true };
    case 'countTokens':
      return { provider: 'gemini', operation: 'count_tokens', model: decodedModel };
    case 'embedContent':
    case 'batchEmbedContents':
      return { provider: 'gemini', operation: 'embeddings', model: decodedModel };
    default: {
      const unreachable: never = geminiMethodName;
      throw new Error(`unknown Gemini method ${String(unreachable)}`);
    }
  }
}
