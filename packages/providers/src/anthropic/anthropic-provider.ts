import Anthropic from '@anthropic-ai/sdk';
import type { ChatRequest, LanguageModelProvider, ModelInfo, StreamEvent } from '@catalyst/spec';
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
import { anthropicHttpMessagesClient } from './anthropic-http-messages-client.js';
import {
  type AnthropicMessagesClient,
  anthropicSdkMessagesClient,
} from './anthropic-messages-client.js';
import { anthropicWarnings, createAnthropicRequest } from './create-anthropic-request.js';
import { mapAnthropicError } from './map-anthropic-error.js';
import { mapAnthropicStream } from './map-anthropic-stream.js';

const DEFAULT_BASE_URL = 'https://api.anthropic.com';

/**
 * The Anthropic provider: Claude models over the Messages API, streamed directly over a pooled
 * keep-alive HTTP connection (the official SDK stays for the model list and as the tests' oracle).
 * Keys and base URL come from `options`, else `ANTHROPIC_API_KEY` / `ANTHROPIC_BASE_URL`.
 *
 * @example
 * const anthropic = createAnthropicProvider();
 * const result = await anthropic.generate({
 *   model: 'claude-haiku-4-5',
 *   messages: [{ role: 'user', content: 'Say hi' }],
 *   signal: AbortSignal.timeout(30_000),
 * });
 * console.log(result.text, result.usage, result.cost?.totalUsd);
 */
export function createAnthropicProvider(options: ProviderOptions = {}): LanguageModelProvider {
  return createAnthropicProviderOver({ ...options, transport: 'direct' });
}

/** The provider's options plus the transport of its Messages stream. */
export interface AnthropicTransportOptions extends ProviderOptions {
  /** `direct` (shipped) or `sdk` (the official SDK, the tests' oracle). */
  transport: 'direct' | 'sdk';
}

/**
 * The Anthropic provider over a chosen transport for the Messages stream: `direct` (what
 * {@link createAnthropicProvider} ships: undici and a lean SSE parser) or `sdk` (the official
 * SDK, kept as the oracle the tests compare the direct path with). The model list always goes
 * through the SDK.
 */
export function createAnthropicProviderOver(
  options: AnthropicTransportOptions,
): LanguageModelProvider {
  const { catalog = ModelCatalog.default(), environment, transport, ...explicit } = options;
  const settings = resolveProviderSettings('anthropic', explicit, environment);
  const secrets = [settings.apiKey];
  const baseUrl = settings.baseUrl ?? DEFAULT_BASE_URL;
  const client = settings.apiKey
    ? new Anthropic({
        apiKey: settings.apiKey,
        // Explicit, so the SDK never falls back to process.env when a custom environment is given.
        baseURL: baseUrl,
        // providerStream owns retries (with retry-after and the first-token rule); the SDK's own
        // two retries would multiply them.
        maxRetries: 0,
        ...(settings.timeoutMs !== undefined && { timeout: settings.timeoutMs }),
        ...(settings.headers !== undefined && { defaultHeaders: settings.headers }),
        // A malformed frame becomes a typed error event; the SDK's console dump adds nothing.
        logLevel: 'off',
      })
    : undefined;
  let messages: AnthropicMessagesClient | undefined;
  if (client && settings.apiKey) {
    messages =
      transport === 'sdk'
        ? anthropicSdkMessagesClient(client)
        : anthropicHttpMessagesClient({
            baseUrl,
            apiKey: settings.apiKey,
            ...(settings.headers !== undefined && { headers: settings.headers }),
            ...(settings.timeoutMs !== undefined && { timeoutMs: settings.timeoutMs }),
          });
  }

  function stream(request: ChatRequest): AsyncIterable<StreamEvent> {
    const jsonMode = request.responseFormat !== undefined && request.responseFormat.type !== 'text';
    const events = providerStream({
      provider: 'anthropic',
      request,
      catalog,
      defaultTimeouts: settings,
      open: (signal) => open({ request, signal, jsonMode }),
      toProviderError: (error) => mapAnthropicError({ error, model: request.model, secrets }),
    });
    return withWarnings(events, [
      ...deprecationWarnings({ catalog, provider: 'anthropic', model: request.model }),
      ...anthropicWarnings(request),
    ]);
  }

  async function* open(call: {
    request: ChatRequest;
    signal: AbortSignal;
    jsonMode: boolean;
  }): AsyncGenerator<RawPart> {
    if (!messages) throw missingKeyError('anthropic', call.request.model);
    const body = createAnthropicRequest({ request: call.request, catalog });
    const { events, requestId } = await messages.streamMessages(
      body,
      call.signal,
      call.request.headers,
    );
    if (requestId) yield { type: 'metadata', requestId };
    yield* mapAnthropicStream(events, { jsonMode: call.jsonMode });
  }

  async function listModels(listOptions: { signal: AbortSignal }): Promise<ModelInfo[]> {
    if (!client) throw missingKeyError('anthropic');
    const models: ModelInfo[] = [];
    try {
      for await (const model of client.models.list({}, { signal: listOptions.signal })) {
        if (model.lifecycle === 'retired') continue;
        const known = catalog.find('anthropic', model.id);
        models.push(
          known
            ? { ...known, id: model.id }
            : {
                id: model.id,
                provider: 'anthropic',
                contextWindow: model.max_input_tokens ?? 0,
                maxOutputTokens: model.max_tokens ?? 0,
                capabilities: {
                  streaming: true,
                  tools: true,
                  jsonMode: true,
                  jsonSchema: true,
                  vision: true,
                  embeddings: false,
                },
              },
        );
      }
    } catch (error) {
      if (listOptions.signal.aborted) {
        throw createProviderError({ provider: 'anthropic', kind: 'aborted' });
      }
      throw mapAnthropicError({ error, secrets });
    }
    return models;
  }

  return {
    name: 'anthropic',
    stream,
    generate: (request) => collectResult(stream(request)),
    listModels,
  };
}
