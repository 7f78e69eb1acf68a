import { embeddingLimitViolation } from '../core/embedding-request-limits.js';
import type { ProtocolModule, RequestSummary } from '../types.js';
import { voyageEmbeddingsBody } from './voyage-embeddings-body.js';
import { voyageErrorResponse } from './voyage-error-response.js';

const VOYAGE_PREFIX = '/voyage';
const ALLOWED_OUTPUT_DIMENSIONS = [256, 512, 1024, 2048];

/** Tokens one request may carry, by model (Voyage's documented per-batch limits). */
export function voyageMaxTokens(model: string): number {
  if (model === 'voyage-4-lite' || model === 'voyage-3.5-lite') return 1_000_000;
  if (model === 'voyage-4' || model === 'voyage-3.5' || model === 'voyage-2') return 320_000;
  return 120_000;
}

function modelOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const model = (body as { model?: unknown }).model;
  return typeof model === 'string' ? model : undefined;
}

function inputs(body: unknown): string[] {
  const input =
    typeof body === 'object' && body !== null ? (body as { input?: unknown }).input : undefined;
  if (typeof input === 'string') return [input];
  return Array.isArray(input) ? input.map(String) : [];
}

/**
 * Voyage AI embeddings (`POST /v1/embeddings`): claimed under a `/voyage/v1` base URL, or on the
 * shared `/v1/embeddings` path when the model is `voyage-*`.
 */
export const VOYAGE_PROTOCOL: ProtocolModule = {
  match(method, pathname, _query, body) {
    if (method !== 'POST') return null;
    const path = pathname.replace(/\/+$/, '');
    const explicit = path === `${VOYAGE_PREFIX}/v1/embeddings`;
    const byModel = path === '/v1/embeddings' && (modelOf(body)?.startsWith('voyage-') ?? false);
    return explicit || byModel ? { provider: 'voyage', operation: 'embeddings' } : null;
  },

  authenticated(request) {
    const header = request.headers.authorization ?? '';
    return header.toLowerCase().startsWith('bearer ') && header.slice(7).trim().length > 0;
  },

  errorResponse: (_request, fault) => voyageErrorResponse(fault),

  notFound(_method, pathname) {
    return pathname.startsWith(`${VOYAGE_PREFIX}/`)
      ? { status: 404, body: { detail: 'Not Found' } }
      : null;
  },

  summarize(request): RequestSummary {
    const texts = inputs(request.body);
    return {
      lastUserText: texts.at(-1) ?? '',
      promptText: texts.join('\n'),
      messageCount: 0,
      lastIsToolResult: false,
      tools: [],
      toolChoice: 'none',
      responseFormat: { type: 'text' },
      stop: [],
      choices: 1,
      embeddingInputs: texts,
    };
  },

  async handle(context) {
    const { request } = context;
    const body = (request.body ?? {}) as { output_dimension?: unknown; input?: unknown };
    const texts = inputs(request.body);
    // Voyage validates these itself; mirror the checks a user would hit first.
    if (texts.length === 0 || texts.length > 1000) {
      const rendered = voyageErrorResponse({
        type: 'http',
        kind: 'invalid_request',
        message:
          texts.length === 0
            ? 'Input cannot be empty.'
            : `The batch size limit is 1000. Your batch size is ${texts.length}.`,
      });
      context.json(rendered.status, rendered.body, rendered.headers);
      return;
    }
    const maxTokens = voyageMaxTokens(request.model ?? 'voyage-4');
    const violation = embeddingLimitViolation(texts, { maxItems: 1000, maxTokens });
    if (violation) {
      const rendered = voyageErrorResponse({
        type: 'http',
        kind: 'invalid_request',
        message: `Request to model failed. The max allowed tokens per submitted batch is ${maxTokens}. Your batch has ${violation.count} tokens after truncation. Please lower the number of tokens in the batch.`,
      });
      context.json(rendered.status, rendered.body, rendered.headers);
      return;
    }
    if (
      body.output_dimension !== undefined &&
      body.output_dimension !== null &&
      !ALLOWED_OUTPUT_DIMENSIONS.includes(body.output_dimension as number)
    ) {
      const rendered = voyageErrorResponse({
        type: 'http',
        kind: 'invalid_request',
        message: `output_dimension must be one of ${ALLOWED_OUTPUT_DIMENSIONS.join(', ')}.`,
      });
      context.json(rendered.status, rendered.body, rendered.headers);
      return;
    }
    context.json(200, voyageEmbeddingsBody(request, VOYAGE_PROTOCOL.summarize(request)));
  },
};
