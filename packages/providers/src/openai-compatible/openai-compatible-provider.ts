import {
  type ChatRequest,
  type EmbedRequest,
  type EmbedResult,
  emptyUsage,
  type LanguageModelProvider,
  type ModelInfo,
  type ProviderError,
  type StreamEvent,
} from '@catalyst/spec';
import { ModelCatalog } from '../catalog/model-catalog.js';
import type { ProviderOptions } from '../config/provider-options.js';
import { resolveProviderSettings } from '../config/provider-settings.js';
import { readEnvironment } from '../config/read-environment.js';
import { collectResult } from '../shared/collect-result.js';
import { createProviderError } from '../shared/create-provider-error.js';
import { deprecationWarnings } from '../shared/deprecation-warnings.js';
import { missingKeyError } from '../shared/missing-key-error.js';
import { providerStream } from '../shared/provider-stream.js';
import type { RawPart } from '../shared/raw-part.js';
import { withAdvice } from '../shared/with-advice.js';
import { withWarnings } from '../shared/with-warnings.js';
import { buildOpenAIChatBody } from './build-openai-chat-body.js';
import { mapOpenAIChunk } from './map-openai-chunk.js';
import { IncompleteStreamError, mapOpenAIError } from './map-openai-error.js';
import type { OpenAIChatClient } from './openai-chat-client.js';
import type { OpenAICompatibleVendor } from './openai-compatible-vendor.js';

/** Capabilities assumed for a chat model the API lists but the catalog does not know. */
const UNKNOWN_CHAT_MODEL: ModelInfo['capabilities'] = {
  streaming: true,
  tools: true,
  jsonMode: true,
  jsonSchema: true,
  vision: false,
  embeddings: false,
};

/** The same for an unknown embedding model (the family names them `…embed…`). */
const UNKNOWN_EMBEDDING_MODEL: ModelInfo['capabilities'] = {
  streaming: false,
  tools: false,
  jsonMode: false,
  jsonSchema: false,
  vision: false,
  embeddings: true,
};

/**
 * The one implementation of the OpenAI-compatible family (OpenAI, Azure OpenAI, Groq, xAI and
 * any server that speaks Chat Completions): `vendor` says how they differ, `options` where to
 * reach them. Streams go through `providerStream`, so retries, timeouts, abort, tool-call
 * assembly, usage and cost behave the same for every provider.
 *
 * @example
 * const provider = createOpenAICompatibleFamilyProvider(openAIVendor, { apiKey });
 * const result = await provider.generate({ model: 'gpt-4.1-mini', messages, signal });
 */
export function createOpenAICompatibleFamilyProvider(
  vendor: OpenAICompatibleVendor,
  options: ProviderOptions = {},
): LanguageModelProvider {
  const {
    catalog = ModelCatalog.default(),
    environment = readEnvironment(),
    ...explicit
  } = options;
  const provider = vendor.provider;
  const settings = resolveProviderSettings(provider, explicit, environment);
  const secrets = [settings.apiKey];
  let client: OpenAIChatClient | undefined;

  /** The SDK client, built on first use so that configuration errors surface as call errors. */
  const requireClient = (model?: string): OpenAIChatClient => {
    if (client) return client;
    if (vendor.apiKeyRequired && !settings.apiKey) throw missingKeyError(provider, model);
    const created = vendor.createClient(settings);
    if (typeof created === 'string') {
      throw createProviderError({
        provider,
        kind: 'invalid_request',
        detail: created,
        ...(model !== undefined && { model }),
      });
    }
    client = created;
    return client;
  };

  const toProviderError = (error: unknown, model?: string): ProviderError =>
    mapOpenAIError(error, { provider, secrets, ...(model !== undefined && { model }) });

  const listModels = async ({ signal }: { signal: AbortSignal }): Promise<ModelInfo[]> => {
    if (vendor.modelList === 'catalog') return catalogModels();
    const chatClient = requireClient();
    let ids: string[];
    try {
      ids = await chatClient.listModelIds(signal);
    } catch (error) {
      throw signal.aborted
        ? createProviderError({ provider, kind: 'aborted' })
        : toProviderError(error);
    }
    return ids.map(
      (id) =>
        catalog.find(provider, id) ?? {
          id,
          provider,
          // Zero means unknown: the API lists ids only, and the catalog has no entry for it.
          contextWindow: 0,
          maxOutputTokens: 0,
          capabilities: id.includes('embed') ? UNKNOWN_EMBEDDING_MODEL : UNKNOWN_CHAT_MODEL,
        },
    );
  };

  /** Azure serves deployments, which no data-plane endpoint lists; its models are OpenAI's. */
  const catalogModels = (): ModelInfo[] => {
    const own = catalog.list(provider);
    if (own.length > 0) return own;
    return catalog.list('openai').map((model) => ({ ...model, provider }));
  };

  /** Opens one attempt and maps its chunks; `providerStream` does everything else. */
  async function* open(request: ChatRequest, signal: AbortSignal): AsyncGenerator<RawPart> {
    const chatClient = requireClient(request.model);
    const body = buildOpenAIChatBody({ request, vendor });
    let opened: Awaited<ReturnType<OpenAIChatClient['streamChat']>>;
    try {
      opened = await chatClient.streamChat(body, signal, request.headers);
    } catch (error) {
      throw await withServerModels(error, request.model, signal);
    }
    let requestId = opened.requestId;
    if (requestId) yield { type: 'metadata', requestId };
    let model: string | undefined;
    let finished = false;
    for await (const chunk of opened.chunks) {
      if (chunk.model && chunk.model !== model) {
        model = chunk.model;
        yield { type: 'metadata', model };
      }
      // Groq names the request in `x_groq.id` too; the header wins when both exist.
      const groqId = chunk.x_groq?.id;
      if (!requestId && groqId) {
        requestId = groqId;
        yield { type: 'metadata', requestId };
      }
      for (const part of mapOpenAIChunk(chunk, vendor)) {
        if (part.type === 'finish') finished = true;
        yield part;
      }
      if (chunk.x_groq?.error) {
        throw createProviderError({
          provider,
          kind: 'server',
          model: request.model,
          detail: `the stream stopped early: ${chunk.x_groq.error}`,
          secrets,
        });
      }
    }
    // Every complete reply names its finish reason; a stream that closed without one was cut
    // off (a proxy closing cleanly, a malformed tail the SDK dropped) and is not a full answer.
    if (!finished) throw new IncompleteStreamError();
  }

  /**
   * A model the server does not know gets a message listing what it serves. Providers in the
   * catalog get that list from `providerStream`; for the rest (local servers) ask the server;
   * Azure gets a reminder that it wants a deployment name.
   */
  const withServerModels = async (
    error: unknown,
    model: string,
    signal: AbortSignal,
  ): Promise<unknown> => {
    const mapped = toProviderError(error, model);
    if (mapped.kind !== 'model_not_found' || signal.aborted) return error;
    if (vendor.modelList === 'catalog') {
      // Azure serves deployments the user named; no list of them exists to offer.
      return withAdvice(mapped, 'The model must be the name of a deployment in your resource.', {
        secrets,
      });
    }
    if (catalog.list(provider).length > 0) return error;
    try {
      const ids = await requireClient(model).listModelIds(signal);
      if (ids.length === 0) return error;
      return withAdvice(mapped, `Available models: ${ids.join(', ')}.`, { secrets });
    } catch {
      // The list is a courtesy; the original error is what matters.
      return error;
    }
  };

  const stream = (request: ChatRequest): AsyncIterable<StreamEvent> =>
    withWarnings(
      providerStream({
        provider,
        request,
        catalog,
        defaultTimeouts: settings,
        open: (signal) => open(request, signal),
        toProviderError: (error) => toProviderError(error, request.model),
      }),
      deprecationWarnings({ catalog, provider, model: request.model }),
    );

  const embed = async (request: EmbedRequest): Promise<EmbedResult> => {
    const chatClient = requireClient(request.model);
    if (!chatClient.embed) {
      throw createProviderError({
        provider,
        kind: 'invalid_request',
        model: request.model,
        detail: 'this provider has no embeddings endpoint',
      });
    }
    // `inputType` has no equivalent in OpenAI's embeddings API; it is dropped.
    const body = {
      model: request.model,
      input: request.input,
      ...(request.dimensions !== undefined && { dimensions: request.dimensions }),
      ...(request.encodingFormat !== undefined && { encoding_format: request.encodingFormat }),
    };
    let response: Awaited<ReturnType<NonNullable<OpenAIChatClient['embed']>>>;
    try {
      response = await chatClient.embed(body, request.signal);
    } catch (error) {
      throw request.signal.aborted
        ? createProviderError({ provider, kind: 'aborted', model: request.model })
        : toProviderError(error, request.model);
    }
    // The API keys vectors by `index`; sort so the result follows the input order regardless.
    const embeddings = [...response.data]
      .sort((left, right) => left.index - right.index)
      .map((item) => Array.from(item.embedding));
    const inputTokens = response.usage?.prompt_tokens ?? 0;
    const usage = { ...emptyUsage(), inputTokens, totalTokens: inputTokens };
    return {
      provider,
      model: response.model || request.model,
      embeddings,
      usage: { inputTokens },
      cost:
        catalog.cost(provider, request.model, usage) ??
        catalog.cost(provider, response.model, usage),
    };
  };

  const family: LanguageModelProvider = {
    name: provider,
    stream,
    generate: (request) => collectResult(stream(request)),
    listModels,
  };
  if (vendor.embeddings) family.embed = embed;
  return family;
}
