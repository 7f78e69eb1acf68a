import type {
  ChatRequest,
  EmbedRequest,
  LanguageModelProvider,
  ProviderName,
  StreamEvent,
} from '@catalyst/spec';
import { type Context, type Span, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ProviderResolver } from '../executors/node-executor.js';
import type { Telemetry } from './telemetry.js';
import { traceHeaders } from './trace-context.js';

/** `gen_ai.provider.name` of each Catalyst provider (OpenTelemetry GenAI semantic conventions). */
export const GEN_AI_PROVIDER_NAMES: Readonly<Record<ProviderName, string>> = {
  openai: 'openai',
  azure: 'azure.ai.openai',
  anthropic: 'anthropic',
  gemini: 'gcp.gemini',
  groq: 'groq',
  xai: 'x_ai',
  'openai-compatible': 'openai',
  local: 'catalyst.local',
  voyage: 'voyage_ai',
};

/**
 * The providers one node calls, each call traced: one `chat MODEL` span (kind CLIENT) per
 * attempt (a retry ends the attempt's span with its error and opens the next), one
 * `embeddings MODEL` span per embeddings call, children of `parent` (the node's span). Every
 * attempt's request carries `traceparent` naming the call's first attempt span.
 */
export function tracedProviders(options: {
  providers: ProviderResolver;
  telemetry: Telemetry;
  parent: Context;
  now?: () => number;
}): ProviderResolver {
  const cache = new Map<ProviderName, LanguageModelProvider>();
  return (name) => {
    let traced = cache.get(name);
    if (!traced) {
      traced = tracedProvider(options.providers(name), options);
      cache.set(name, traced);
    }
    return traced;
  };
}

function tracedProvider(
  provider: LanguageModelProvider,
  options: { telemetry: Telemetry; parent: Context; now?: () => number },
): LanguageModelProvider {
  const { telemetry, parent } = options;
  const now = options.now ?? Date.now;
  const providerName = GEN_AI_PROVIDER_NAMES[provider.name] ?? provider.name;

  const startAttempt = (request: ChatRequest, attempt: number): Span => {
    const span = telemetry.tracer.startSpan(
      `chat ${request.model}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': providerName,
          'gen_ai.request.model': request.model,
          'catalyst.provider': provider.name,
          'catalyst.attempt': attempt,
          ...(request.temperature !== undefined && {
            'gen_ai.request.temperature': request.temperature,
          }),
          ...(request.maxTokens !== undefined && {
            'gen_ai.request.max_tokens': request.maxTokens,
          }),
          ...(request.topP !== undefined && { 'gen_ai.request.top_p': request.topP }),
          ...(request.seed !== undefined && { 'gen_ai.request.seed': request.seed }),
        },
      },
      parent,
    );
    if (telemetry.captureContent) {
      span.setAttribute('gen_ai.input.messages', JSON.stringify(inputMessages(request)));
    }
    return span;
  };

  async function* stream(request: ChatRequest): AsyncGenerator<StreamEvent> {
    let attempt = 1;
    let span: Span | undefined = startAttempt(request, attempt);
    let startedAt = now();
    let firstTokenAt: number | undefined;
    let text = '';
    const headers = { ...request.headers, ...traceHeaders(span.spanContext()) };
    try {
      for await (const event of provider.stream({ ...request, headers })) {
        switch (event.type) {
          case 'token':
            firstTokenAt ??= now();
            if (telemetry.captureContent) text += event.text;
            break;
          case 'tool-call-delta':
            firstTokenAt ??= now();
            break;
          case 'retry':
            span?.setAttribute('error.type', event.error.kind);
            span?.setStatus({ code: SpanStatusCode.ERROR, message: event.error.message });
            span?.end();
            attempt += 1;
            span = startAttempt(request, attempt);
            startedAt = now();
            firstTokenAt = undefined;
            text = '';
            break;
          case 'done':
            if (span) {
              span.setAttributes({
                'gen_ai.response.model': event.model,
                'gen_ai.response.finish_reasons': [event.finishReason],
                'gen_ai.usage.input_tokens': event.usage.inputTokens,
                'gen_ai.usage.output_tokens': event.usage.outputTokens,
                'catalyst.usage.cache_read_tokens': event.usage.cacheReadTokens,
                'catalyst.usage.cache_write_tokens': event.usage.cacheWriteTokens,
                'catalyst.usage.reasoning_tokens': event.usage.reasoningTokens,
                ...(event.cost !== null && { 'catalyst.cost_usd': event.cost.totalUsd }),
                ...(event.requestId !== undefined && { 'gen_ai.response.id': event.requestId }),
                ...(firstTokenAt !== undefined && {
                  'catalyst.time_to_first_token_ms': firstTokenAt - startedAt,
                }),
              });
              if (telemetry.captureContent) {
                span.setAttribute(
                  'gen_ai.output.messages',
                  JSON.stringify([
                    {
                      role: 'assistant',
                      parts: [
                        { type: 'text', content: text || event.text },
                        ...event.toolCalls.map((call) => ({
                          type: 'tool_call',
                          id: call.id,
                          name: call.name,
                          arguments: call.input ?? call.arguments,
                        })),
                      ],
                      finish_reason: event.finishReason,
                    },
                  ]),
                );
              }
              span.setStatus({ code: SpanStatusCode.OK });
              span.end();
              span = undefined;
            }
            break;
          case 'error':
            if (span) {
              span.setAttributes({
                'error.type': event.error.kind,
                'gen_ai.usage.input_tokens': event.usage.inputTokens,
                'gen_ai.usage.output_tokens': event.usage.outputTokens,
              });
              span.setStatus({ code: SpanStatusCode.ERROR, message: event.error.message });
              span.end();
              span = undefined;
            }
            break;
          case 'tool-call':
            break;
          default: {
            const unreachable: never = event;
            throw new Error(`unknown stream event ${JSON.stringify(unreachable)}`);
          }
        }
        yield event;
      }
    } finally {
      // The consumer stopped early (the run was cancelled).
      if (span) {
        span.setAttribute('error.type', 'aborted');
        span.setStatus({ code: SpanStatusCode.ERROR, message: 'the call was cancelled' });
        span.end();
      }
    }
  }

  const embed = provider.embed?.bind(provider);
  return {
    name: provider.name,
    stream,
    generate: (request) => provider.generate(request),
    listModels: (listOptions) => provider.listModels(listOptions),
    ...(embed && {
      embed: async (request: EmbedRequest) => {
        const span = telemetry.tracer.startSpan(
          `embeddings ${request.model}`,
          {
            kind: SpanKind.CLIENT,
            attributes: {
              'gen_ai.operation.name': 'embeddings',
              'gen_ai.provider.name': providerName,
              'gen_ai.request.model': request.model,
              'catalyst.provider': provider.name,
              'catalyst.embedding.items': request.input.length,
            },
          },
          parent,
        );
        try {
          const result = await embed(request);
          span.setAttributes({
            'gen_ai.response.model': result.model,
            'gen_ai.usage.input_tokens': result.usage.inputTokens,
            ...(result.cost !== null && { 'catalyst.cost_usd': result.cost.totalUsd }),
          });
          span.setStatus({ code: SpanStatusCode.OK });
          return result;
        } catch (error) {
          const kind =
            error !== null && typeof error === 'object' && 'kind' in error
              ? String(error.kind)
              : 'internal';
          span.setAttribute('error.type', kind);
          span.setStatus({
            code: SpanStatusCode.ERROR,
            message: error instanceof Error ? error.message : String(error),
          });
          throw error;
        } finally {
          span.end();
        }
      },
    }),
  };
}

/** The request's messages in the GenAI conventions' `gen_ai.input.messages` form. */
function inputMessages(request: ChatRequest): unknown[] {
  const messages: unknown[] = [];
  if (request.system !== undefined) {
    messages.push({ role: 'system', parts: [{ type: 'text', content: request.system }] });
  }
  for (const message of request.messages) {
    const content =
      typeof message.content === 'string' ? message.content : JSON.stringify(message.content);
    messages.push({ role: message.role, parts: [{ type: 'text', content }] });
  }
  return messages;
}
