import type { IncomingMessage } from 'node:http';
import { embeddingLimitViolation } from '../core/embedding-request-limits.js';
import type { ProtocolContext, ProtocolModule, RouteMatch, SimRequest } from '../types.js';
import { chatCompletionBody } from './chat-completion-body.js';
import { chatStreamFrames, dataFrame, malformedChatFrame } from './chat-stream-frames.js';
import { embeddingsBody } from './embeddings-body.js';
import { matchOpenAiRoute } from './match-openai-route.js';
import { modelObject, modelsListBody } from './models-body.js';
import { openAiErrorResponse } from './openai-error-response.js';
import { openAiHeaders } from './openai-headers.js';
import { OPENAI_VENDORS, type OpenAiVendor } from './openai-vendor.js';
import {
  includeUsage,
  summarizeOpenAiRequest,
  usesLegacyFunctions,
} from './summarize-openai-request.js';

/** What one OpenAI (or Azure) embeddings request may carry. */
const OPENAI_EMBEDDING_LIMITS = { maxItems: 2048, maxTokens: 300_000 };

function vendorOf(request: SimRequest): OpenAiVendor {
  const provider = request.provider;
  switch (provider) {
    case 'openai':
    case 'azure':
    case 'groq':
    case 'xai':
      return OPENAI_VENDORS[provider];
    case 'anthropic':
    case 'gemini':
    case 'voyage':
      throw new Error(`the OpenAI family does not speak ${provider}`);
    default: {
      const unreachable: never = provider;
      throw new Error(`unknown provider ${String(unreachable)}`);
    }
  }
}

function bearerToken(request: IncomingMessage): string {
  const header = request.headers.authorization ?? '';
  return header.toLowerCase().startsWith('bearer ') ? header.slice(7).trim() : '';
}

async function handleChat(context: ProtocolContext, vendor: OpenAiVendor): Promise<void> {
  const { request, plan } = context;
  const legacyFunctions = usesLegacyFunctions(request);
  const headers = openAiHeaders(request);
  if (vendor.singleChoiceOnly && plan.choices > 1) {
    const rendered = openAiErrorResponse(vendor, request, {
      type: 'http',
      kind: 'invalid_request',
      message: "'n' : number must be at most 1",
    });
    context.json(rendered.status, rendered.body, rendered.headers);
    return;
  }
  if (!request.stream) {
    context.json(200, chatCompletionBody({ vendor, request, plan, legacyFunctions }), headers);
    return;
  }
  await context.streamFrames(
    chatStreamFrames({
      vendor,
      request,
      plan,
      legacyFunctions,
      includeUsage: includeUsage(request),
    }),
    {
      headers,
      malformedFrame: malformedChatFrame(vendor, request),
      errorFrame: (kind, message) => {
        const rendered = openAiErrorResponse(vendor, request, { type: 'http', kind, message });
        return dataFrame(rendered.body);
      },
    },
  );
}

/**
 * The OpenAI chat/embeddings/models protocol for OpenAI, Azure OpenAI, Groq and xAI: one
 * implementation, the differences being `OPENAI_VENDORS` configuration.
 */
export const OPENAI_FAMILY_PROTOCOL: ProtocolModule = {
  match: (method, pathname, query, body, headers) =>
    matchOpenAiRoute(method, pathname, query, body, headers),

  authenticated(request: IncomingMessage, match: RouteMatch) {
    const apiKey = request.headers['api-key'];
    if (match.provider === 'azure' && typeof apiKey === 'string' && apiKey.trim().length > 0) {
      return true;
    }
    return bearerToken(request).length > 0;
  },

  errorResponse: (request, fault) => openAiErrorResponse(vendorOf(request), request, fault),

  notFound(method, pathname) {
    if (!/^\/(v1|openai|azure|groq|xai|openai-api)(\/|$)/.test(pathname)) return null;
    return {
      status: 404,
      body: {
        error: {
          message: `Invalid URL (${method} ${pathname})`,
          type: 'invalid_request_error',
          param: null,
          code: null,
        },
      },
    };
  },

  summarize: summarizeOpenAiRequest,

  async handle(context) {
    const { request } = context;
    const vendor = vendorOf(request);
    const operation = request.operation;
    switch (operation) {
      case 'chat':
        await handleChat(context, vendor);
        return;
      case 'embeddings': {
        const summary = summarizeOpenAiRequest(request);
        // OpenAI's per-request limits (Azure's are the same): 2048 inputs, 300,000 tokens.
        const violation = embeddingLimitViolation(summary.embeddingInputs, OPENAI_EMBEDDING_LIMITS);
        if (violation) {
          const rendered = openAiErrorResponse(vendor, request, {
            type: 'http',
            kind: 'invalid_request',
            message:
              violation.reason === 'items'
                ? `'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference. (${violation.count} inputs; at most ${OPENAI_EMBEDDING_LIMITS.maxItems})`
                : `Requested ${violation.count} tokens, max ${OPENAI_EMBEDDING_LIMITS.maxTokens} tokens per request`,
          });
          context.json(rendered.status, rendered.body, rendered.headers);
          return;
        }
        context.json(200, embeddingsBody(request, summary), openAiHeaders(request));
        return;
      }
      case 'models': {
        const id = request.model;
        if (id === undefined) {
          context.json(200, modelsListBody(vendor), openAiHeaders(request));
        } else if (vendor.models.includes(id)) {
          context.json(200, modelObject(vendor, id), openAiHeaders(request));
        } else {
          const rendered = openAiErrorResponse(vendor, request, {
            type: 'http',
            kind: 'model_not_found',
          });
          context.json(rendered.status, rendered.body, rendered.headers);
        }
        return;
      }
      case 'count_tokens':
        throw new Error('the OpenAI family has no count_tokens route');
      default: {
        const unreachable: never = operation;
        throw new Error(`unknown operation ${String(unreachable)}`);
      }
    }
  },
};
