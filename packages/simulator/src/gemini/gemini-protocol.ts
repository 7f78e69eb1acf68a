import type { IncomingMessage } from 'node:http';
import type { ProtocolContext, ProtocolModule } from '../types.js';
import { handleGeminiEmbeddings } from './gemini-embeddings.js';
import { geminiErrorBody, geminiErrorFrame, geminiErrorResponse } from './gemini-error.js';
import { findGeminiModel, geminiModelPage } from './gemini-models.js';
import { geminiResponse } from './gemini-response.js';
import {
  type GeminiStreamFraming,
  geminiMalformedFrame,
  geminiStreamFrames,
} from './gemini-stream-frames.js';
import { geminiMethod, matchGeminiRoute } from './match-gemini-route.js';
import { summarizeGeminiRequest } from './summarize-gemini-request.js';

/** Paths only Google uses, so an unknown one there gets a Google-style 404. */
const GOOGLE_ONLY_PATH = /^\/(?:v1beta|v1alpha)\//;

function headerValue(request: IncomingMessage, name: string): string {
  const value = request.headers[name];
  return (Array.isArray(value) ? value[0] : value)?.trim() ?? '';
}

async function handleChat(context: ProtocolContext): Promise<void> {
  const { request, plan } = context;
  if (!request.stream) {
    context.json(200, geminiResponse(plan, request.id));
    return;
  }
  const framing: GeminiStreamFraming = request.query.get('alt') === 'sse' ? 'sse' : 'array';
  await context.streamFrames(geminiStreamFrames(plan, request.id, framing), {
    malformedFrame: geminiMalformedFrame(framing),
    errorFrame: (kind, message) => {
      const frame = geminiErrorFrame(kind, message, plan.model);
      // In array framing the error is one more element, and the array is closed after it.
      return framing === 'sse' ? frame : `\n,\r\n${frame.slice('data: '.length).trim()}\n]`;
    },
    ...(framing === 'array'
      ? { headers: { 'content-type': 'application/json; charset=UTF-8' } }
      : {}),
  });
}

function handleModels(context: ProtocolContext): void {
  const { request } = context;
  if (request.model === undefined) {
    context.json(200, geminiModelPage(request.query));
    return;
  }
  const found = findGeminiModel(request.model);
  if (found === undefined) {
    const body = geminiErrorBody({
      kind: 'model_not_found',
      model: request.model.replace(/^models\//, ''),
      pathname: request.path,
      inputTokens: 0,
    });
    context.json(body.error.code, body);
    return;
  }
  context.json(200, found);
}

/**
 * The Gemini API (generativelanguage.googleapis.com): generateContent, streamGenerateContent
 * (`alt=sse`, or the JSON-array stream without it), countTokens, embedContent,
 * batchEmbedContents and the model list, under `/v1beta` and `/v1`, with Google's auth, error
 * bodies and stream framing, so `@google/genai` and `google-genai` (Python) work unchanged.
 *
 * @example
 * ```ts
 * const ai = new GoogleGenAI({ apiKey: 'test', httpOptions: { baseUrl: simulator.url } });
 * const reply = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'Hi' });
 * ```
 */
export const GEMINI_PROTOCOL: ProtocolModule = {
  // `headers` is beyond the ProtocolModule contract: a core that passes them lets a Gemini client
  // list models under the shared `/v1/models` path too.
  match(method, pathname, _query, _body, headers?: Record<string, string>) {
    return matchGeminiRoute(method, pathname, headers);
  },

  notFound(_method, pathname) {
    if (!GOOGLE_ONLY_PATH.test(pathname)) {
      return null;
    }
    return {
      status: 404,
      body: { error: { code: 404, message: 'Method not found.', status: 'NOT_FOUND' } },
    };
  },

  authenticated(request, _match, query) {
    // The API takes a key in the header or the query, or an OAuth bearer token.
    const bearer = headerValue(request, 'authorization').replace(/^Bearer\s+/i, '');
    return (
      headerValue(request, 'x-goog-api-key') !== '' ||
      (query.get('key') ?? '') !== '' ||
      bearer !== ''
    );
  },

  errorResponse(request, fault) {
    return geminiErrorResponse(request, fault);
  },

  summarize(request) {
    return summarizeGeminiRequest(request);
  },

  async handle(context) {
    const { request } = context;
    switch (request.operation) {
      case 'chat':
        await handleChat(context);
        return;
      case 'count_tokens': {
        const tokens = context.plan.usage.inputTokens;
        context.json(200, {
          totalTokens: tokens,
          promptTokensDetails: [{ modality: 'TEXT', tokenCount: tokens }],
        });
        return;
      }
      case 'embeddings':
        handleGeminiEmbeddings(context, geminiMethod(request.path) === 'batchEmbedContents');
        return;
      case 'models':
        handleModels(context);
        return;
      default: {
        const unreachable: never = request.operation;
        throw new Error(`unknown operation ${String(unreachable)}`);
      }
    }
  },
};
