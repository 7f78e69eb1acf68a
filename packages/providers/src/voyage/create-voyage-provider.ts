import type {
  EmbedRequest,
  EmbedResult,
  LanguageModelProvider,
  ModelInfo,
  StreamEvent,
} from '@catalyst/spec';
import { emptyUsage } from '@catalyst/spec';
import { ModelCatalog } from '../catalog/model-catalog.js';
import type { ProviderOptions } from '../config/provider-options.js';
import { resolveProviderSettings } from '../config/provider-settings.js';
import { readEnvironment } from '../config/read-environment.js';
import { createProviderError } from '../shared/create-provider-error.js';
import { missingKeyError } from '../shared/missing-key-error.js';
import { transportProviderError } from '../shared/transport-provider-error.js';
import { mapVoyageError } from './map-voyage-error.js';

/** Where Voyage AI answers when no base URL is configured. */
export const VOYAGE_DEFAULT_BASE_URL = 'https://api.voyageai.com/v1';

/** Options of `createVoyageProvider`: the usual provider options plus an injectable `fetch`. */
export interface VoyageProviderOptions extends ProviderOptions {
  /** Defaults to the platform `fetch`; tests may pass their own. */
  fetch?: typeof fetch;
}

interface VoyageEmbeddingsResponse {
  data?: Array<{ index?: number; embedding?: number[] }>;
  model?: string;
  usage?: { total_tokens?: number };
}

/**
 * Voyage AI embeddings (`POST {base}/embeddings`, `Authorization: Bearer $VOYAGE_API_KEY`).
 *
 * Plain `fetch`, not the `voyageai` SDK: the npm SDK sends through `node-fetch` v2 rather than
 * the platform fetch, and the PyPI one pulls numpy, pillow, tokenizers and aiohttp into every
 * generated service, for what is one JSON POST. Voyage serves embeddings only, so `stream` ends
 * with an `invalid_request` error and `generate` throws it.
 *
 * @example
 * const voyage = createVoyageProvider({ apiKey: process.env.VOYAGE_API_KEY });
 * const { embeddings } = await voyage.embed!({ model: 'voyage-4', input: ['hi'], inputType: 'query', signal });
 */
export function createVoyageProvider(options: VoyageProviderOptions = {}): LanguageModelProvider {
  const {
    catalog = ModelCatalog.default(),
    environment = readEnvironment(),
    fetch: fetchImplementation = fetch,
    ...explicit
  } = options;
  const settings = resolveProviderSettings('voyage', explicit, environment);
  const secrets = [settings.apiKey];
  const baseUrl = (settings.baseUrl ?? VOYAGE_DEFAULT_BASE_URL).replace(/\/+$/, '');

  const chatOnlyError = (model: string) =>
    createProviderError({
      provider: 'voyage',
      kind: 'invalid_request',
      model,
      detail: 'Voyage AI serves embeddings only; use an embeddingGenerate node or embed()',
    });

  async function embed(request: EmbedRequest): Promise<EmbedResult> {
    if (!settings.apiKey) throw missingKeyError('voyage', request.model);
    const body: Record<string, unknown> = { model: request.model, input: request.input };
    if (request.inputType !== undefined) body.input_type = request.inputType;
    if (request.dimensions !== undefined) body.output_dimension = request.dimensions;
    const signal =
      settings.timeoutMs !== undefined
        ? AbortSignal.any([request.signal, AbortSignal.timeout(settings.timeoutMs)])
        : request.signal;
    let response: Response;
    let text: string;
    try {
      response = await fetchImplementation(`${baseUrl}/embeddings`, {
        method: 'POST',
        headers: {
          ...settings.headers,
          authorization: `Bearer ${settings.apiKey}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(body),
        signal,
      });
      text = await response.text();
    } catch (error) {
      if (request.signal.aborted) {
        throw createProviderError({ provider: 'voyage', kind: 'aborted', model: request.model });
      }
      if (signal.aborted) {
        throw createProviderError({ provider: 'voyage', kind: 'timeout', model: request.model });
      }
      throw transportProviderError({ provider: 'voyage', model: request.model, secrets }, error, {
        malformed: false,
      });
    }
    if (!response.ok) {
      throw mapVoyageError({
        status: response.status,
        headers: response.headers,
        bodyText: text,
        model: request.model,
        secrets,
      });
    }
    let parsed: VoyageEmbeddingsResponse;
    try {
      parsed = JSON.parse(text) as VoyageEmbeddingsResponse;
    } catch (error) {
      throw transportProviderError({ provider: 'voyage', model: request.model, secrets }, error, {
        malformed: true,
      });
    }
    const data = [...(parsed.data ?? [])].sort(
      (left, right) => (left.index ?? 0) - (right.index ?? 0),
    );
    if (data.length !== request.input.length) {
      throw createProviderError({
        provider: 'voyage',
        kind: 'server',
        model: request.model,
        detail: `asked for ${request.input.length} embeddings, got ${data.length}`,
      });
    }
    const inputTokens = parsed.usage?.total_tokens ?? 0;
    const usage = { ...emptyUsage(), inputTokens, totalTokens: inputTokens };
    return {
      provider: 'voyage',
      model: parsed.model || request.model,
      embeddings: data.map((item) => item.embedding ?? []),
      usage: { inputTokens },
      cost: catalog.cost('voyage', request.model, usage),
    };
  }

  async function* stream(request: { model: string }): AsyncGenerator<StreamEvent> {
    const error = chatOnlyError(request.model);
    yield { type: 'error', error: error.toJSON(), partialText: '', usage: emptyUsage() };
  }

  return {
    name: 'voyage',
    stream,
    generate: async (request) => {
      throw chatOnlyError(request.model);
    },
    listModels: async (): Promise<ModelInfo[]> => catalog.list('voyage'),
    embed,
  };
}
