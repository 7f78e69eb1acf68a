import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { LanguageModelProvider, StreamEvent } from '@catalyst/spec';
import {
  type CompletionIdentity,
  toOpenAIChatCompletion,
  toOpenAIChunk,
  toOpenAIFinishReason,
} from './openai-chat-completion.js';
import { providerErrorResponse } from './openai-error-body.js';
import { sendError, sendJson, writeData, writeEvent } from './openai-http-response.js';
import { parseOpenAIChatRequest } from './parse-openai-chat-request.js';

/**
 * `POST /v1/chat/completions`: a `chat.completion` object, or with `stream: true` SSE
 * `chat.completion.chunk`s, a finish chunk, a usage chunk when `stream_options.include_usage`,
 * and `data: [DONE]`. Throws `OpenAIRequestError` or `ProviderError` before anything is sent.
 */
export async function handleOpenAIChatCompletions(
  provider: LanguageModelProvider,
  body: unknown,
  signal: AbortSignal,
  response: ServerResponse,
) {
  const parsed = parseOpenAIChatRequest(body, signal);
  const identity: CompletionIdentity = {
    id: `chatcmpl-${randomUUID().replaceAll('-', '')}`,
    created: Math.floor(Date.now() / 1000),
    model: parsed.request.model,
  };
  if (!parsed.stream) {
    const result = await provider.generate(parsed.request);
    sendJson(response, 200, toOpenAIChatCompletion(identity, result));
    return;
  }

  const events = provider.stream(parsed.request)[Symbol.asyncIterator]();
  try {
    // Wait for the first event so a call that fails at once (no model file, bad schema) gets a
    // real HTTP error status instead of a 200 stream holding an error.
    const first = await events.next();
    if (!first.done && first.value.type === 'error') {
      sendError(response, providerErrorResponse(first.value.error));
      return;
    }
    response.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
      'X-Accel-Buffering': 'no',
      Connection: 'keep-alive',
    });
    await writeEvent(
      response,
      toOpenAIChunk(identity, { delta: { role: 'assistant', content: '' }, finishReason: null }),
    );
    let next = first;
    while (!next.done) {
      const finished = await writeStreamEvent(response, identity, next.value, parsed.includeUsage);
      if (finished || response.destroyed) return;
      next = await events.next();
    }
    response.end();
  } finally {
    await events.return?.();
  }
}

/** Writes one provider event as SSE; true once the stream is complete (terminal event written). */
async function writeStreamEvent(
  response: ServerResponse,
  identity: CompletionIdentity,
  event: StreamEvent,
  includeUsage: boolean,
): Promise<boolean> {
  switch (event.type) {
    case 'token':
      await writeEvent(
        response,
        toOpenAIChunk(identity, { delta: { content: event.text }, finishReason: null }),
      );
      return false;
    case 'tool-call-delta':
      await writeEvent(
        response,
        toOpenAIChunk(identity, {
          delta: {
            tool_calls: [
              {
                index: event.index,
                ...(event.id !== undefined && { id: event.id, type: 'function' as const }),
                function: {
                  ...(event.name !== undefined && { name: event.name }),
                  arguments: event.argumentsDelta,
                },
              },
            ],
          },
          finishReason: null,
        }),
      );
      return false;
    case 'tool-call':
    case 'retry':
      // Tool calls already streamed as deltas; retries are invisible to OpenAI clients.
      return false;
    case 'done':
      await writeEvent(
        response,
        toOpenAIChunk(identity, {
          delta: {},
          finishReason: toOpenAIFinishReason(event.finishReason),
        }),
      );
      if (includeUsage) await writeEvent(response, toOpenAIChunk(identity, undefined, event.usage));
      await writeData(response, '[DONE]');
      response.end();
      return true;
    case 'error':
      // OpenAI SDKs raise an APIError for a data line carrying `error`.
      await writeEvent(response, providerErrorResponse(event.error).body);
      response.end();
      return true;
    default: {
      const unreachable: never = event;
      throw new Error(`unknown stream event ${JSON.stringify(unreachable)}`);
    }
  }
}
