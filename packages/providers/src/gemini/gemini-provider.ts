import type {
  ChatRequest,
  EmbedRequest,
  LanguageModelProvider,
  ModelInfo,
  StreamEvent,
} from '@catalyst/spec';
import { GoogleGenAI } from '@google/genai';
import { ModelCatalog } from '../catalog/model-catalog.js';
import type { ProviderOptions } from '../config/provider-options.js';
import { resolveProviderSettings } from '../config/provider-settings.js';
import { collectResult } from '../shared/collect-result.js';
import { createProviderError } from '../shared/create-provider-error.js';
import { deprecationWarnings } from '../shared/deprecation-warnings.js';
import { missingKeyError } from '../shared/missing-key-error.js';
import { providerStream } from '../shared/provider-stream.js';
import type { RawPart } from '../shared/raw-part.js';
import { withWarnings } from '../shared/with-warnings.js';
import { createGeminiRequest } from './create-gemini-request.js';
import { embedWithGemini } from './embed-with-gemini.js';
import { geminiHttpStreamClient } from './gemini-http-stream-client.js';
import { type GeminiStreamClient, geminiSdkStreamClient } from './gemini-stream-client.js';
import { mapGeminiError } from './map-gemini-error.js';
import { mapGeminiStream } from './map-gemini-stream.js';

/**
 * The Google Gemini provider (Gemini API, not Vertex): `streamGenerateContent` spoken directly
 * over a pooled keep-alive HTTP connection; `@google/genai` stays for embeddings, the model
 * list, requests whose `providerOptions` the direct path does not mirror, and as the tests'
 * oracle. Keys and base URL come from `options`, else `GEMINI_API_KEY` (or `GOOGLE_API_KEY`) /
 * `GEMINI_BASE_URL`.
 *
 * @example
 * const gemini = createGeminiProvider();
 * for await (const event of gemini.stream({
 *   model: 'gemini-2.5-flash',
 *   messages: [{ role: 'user', content: 'Say hi' }],
 *   signal: AbortSignal.timeout(30_000),
 * })) {
 *   if (event.type === 'token') process.stdout.write(event.text);
 * }
 */
export function createGeminiProvider(options: ProviderOptions = {}): LanguageModelProvider {
  return createGeminiProviderOver({ ...options, transport: 'direct' });
}

/** The provider's options plus the transport of its content stream. */
export interface GeminiTransportOptions extends ProviderOptions {
  /** `direct` (shipped) or `sdk` (the official SDK, the tests' oracle). */
  transport: 'direct' | 'sdk';
}

/**
 * The Gemini provider over a chosen transport for `streamGenerateContent`: `direct` (what
 * {@link createGeminiProvider} ships: undici and the SDK's framing rules, falling back to the SDK
 * for parameters it does not mirror) or `sdk` (the official SDK, kept as the oracle the tests
 * compare the direct path with). Embeddings and the model list always go through the SDK.
 */
export function createGeminiProviderOver(options: GeminiTransportOptions): LanguageModelProvider {
  const { catalog = ModelCatalog.default(), environment, transport, ...explicit } = options;
  const settings = resolveProviderSettings('gemini', explicit, environment);
  const secrets = [settings.apiKey];
  // No `retryOptions`: the SDK then makes one attempt, and providerStream owns retries.
  const client = settings.apiKey
    ? new GoogleGenAI({
        apiKey: settings.apiKey,
        httpOptions: {
          ...(settings.baseUrl !== undefined && { baseUrl: settings.baseUrl }),
          ...(settings.headers !== undefined && { headers: settings.headers }),
          ...(settings.timeoutMs !== undefined && { timeout: settings.timeoutMs }),
        },
      })
    : undefined;
  let contentStream: GeminiStreamClient | undefined;
  if (client && settings.apiKey) {
    const sdk = geminiSdkStreamClient(client);
    contentStream =
      transport === 'sdk'
        ? sdk
        : geminiHttpStreamClient({
            apiKey: settings.apiKey,
            fallback: sdk,
            ...(settings.baseUrl !== undefined && { baseUrl: settings.baseUrl }),
            ...(settings.headers !== undefined && { headers: settings.headers }),
            ...(settings.timeoutMs !== undefined && { timeoutMs: settings.timeoutMs }),
          });
  }

  function stream(request: ChatRequest): AsyncIterable<StreamEvent> {
    // The SDK's ApiError keeps only status and body; the headers (retry-after) are captured here.
    const captured: { headers?: Headers } = {};
    const events = providerStream({
      provider: 'gemini',
      request,
      catalog,
      defaultTimeouts: settings,
      open: (signal) => open({ request, signal, captured }),
      toProviderError: (error) =>
        mapGeminiError({
          error,
          model: request.model,
          secrets,
          ...(captured.headers !== undefined && { responseHeaders: captured.headers }),
        }),
    });
    return withWarnings(
      events,
      deprecationWarnings({ catalog, provider: 'gemini', model: request.model }),
    );
  }

  async function* open(call: {
    request: ChatRequest;
    signal: AbortSignal;
    captured: { headers?: Headers };
  }): AsyncGenerator<RawPart> {
    if (!contentStream) throw missingKeyError('gemini', call.request.model);
    delete call.captured.headers;
    const chunks = await contentStream.streamGenerateContent({
      parameters: createGeminiRequest(call.request),
      signal: call.signal,
      captured: call.captured,
      ...(call.request.headers && { headers: call.request.headers }),
    });
    yield* mapGeminiStream(chunks, { model: call.request.model });
  }

  async function listModels(listOptions: { signal: AbortSignal }): Promise<ModelInfo[]> {
    if (!client) throw missingKeyError('gemini');
    const models: ModelInfo[] = [];
    try {
      const pager = await client.models.list({
        config: { abortSignal: listOptions.signal, pageSize: 100 },
      });
      for await (const model of pager) {
        const id = (model.name ?? '').replace(/^models\//, '');
        if (id === '') continue;
        const known = catalog.find('gemini', id);
        if (known) {
          models.push({ ...known, id });
          continue;
        }
        const actions = model.supportedActions ?? [];
        const embeds = actions.some((action) => action.startsWith('embed'));
        const chats = actions.includes('generateContent');
        models.push({
          id,
          provider: 'gemini',
          contextWindow: (model.inputTokenLimit ?? 0) + (model.outputTokenLimit ?? 0),
          maxOutputTokens: model.outputTokenLimit ?? 0,
          capabilities: {
            streaming: chats,
            tools: chats,
            jsonMode: chats,
            jsonSchema: chats,
            vision: chats,
            embeddings: embeds,
          },
        });
      }
    } catch (error) {
      if (listOptions.signal.aborted)
        throw createProviderError({ provider: 'gemini', kind: 'aborted' });
      throw mapGeminiError({ error, secrets });
    }
    return models;
  }

  async function embed(request: EmbedRequest) {
    if (!client) throw missingKeyError('gemini', request.model);
    return embedWithGemini({
      client,
      request,
      catalog,
      toProviderError: (error) => mapGeminiError({ error, model: request.model, secrets }),
    });
  }

  return {
    name: 'gemini',
    stream,
    generate: (request) => collectResult(stream(request)),
    listModels,
    embed,
  };
}
