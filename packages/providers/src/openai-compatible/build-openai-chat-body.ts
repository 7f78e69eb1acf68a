import type { ChatRequest, ResponseFormat, ToolChoice } from '@catalyst/spec';
import type {
  ChatCompletionCreateParamsStreaming,
  ChatCompletionToolChoiceOption,
} from 'openai/resources/chat/completions';
import { createProviderError } from '../shared/create-provider-error.js';
import { convertToOpenAIMessages } from './convert-to-openai-messages.js';
import type { OpenAIChatBody } from './openai-chat-client.js';
import type { OpenAICompatibleVendor } from './openai-compatible-vendor.js';

/**
 * Maps a `ChatRequest` to a streaming Chat Completions body for `vendor`: messages, sampling,
 * the vendor's max-tokens field, stop, seed, function tools (with `strict`), tool choice,
 * parallel tool calls, native JSON mode, and `providerOptions` passed through last. Throws an
 * `invalid_request` `ProviderError` for fields the vendor (or Catalyst's one-choice result)
 * cannot take.
 *
 * @example
 * buildOpenAIChatBody({ request, vendor }); // { model, messages, stream: true, stream_options: { include_usage: true }, … }
 */
export function buildOpenAIChatBody(options: {
  request: ChatRequest;
  vendor: Pick<
    OpenAICompatibleVendor,
    'provider' | 'maxTokensField' | 'includeUsageOption' | 'unsupportedFields'
  >;
}): OpenAIChatBody {
  const { request, vendor } = options;
  const provider = vendor.provider;
  const body: ChatCompletionCreateParamsStreaming = {
    model: request.model,
    messages: convertToOpenAIMessages({ provider, request }),
    stream: true,
  };
  if (vendor.includeUsageOption) body.stream_options = { include_usage: true };
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.maxTokens !== undefined) body[vendor.maxTokensField] = request.maxTokens;
  if (request.stop !== undefined && request.stop.length > 0) body.stop = request.stop;
  if (request.seed !== undefined) body.seed = request.seed;
  const tools = request.tools ?? [];
  if (tools.length > 0) {
    body.tools = tools.map((tool) => ({
      type: 'function',
      function: {
        name: tool.name,
        parameters: tool.parameters,
        ...(tool.description !== undefined && { description: tool.description }),
        ...(tool.strict !== undefined && { strict: tool.strict }),
      },
    }));
    if (request.toolChoice !== undefined) body.tool_choice = mapToolChoice(request.toolChoice);
    // Sent only with tools: OpenAI answers 400 to parallel_tool_calls without any tool.
    if (request.parallelToolCalls !== undefined) {
      body.parallel_tool_calls = request.parallelToolCalls;
    }
  }
  const responseFormat = mapResponseFormat(request.responseFormat);
  if (responseFormat !== undefined) body.response_format = responseFormat;

  const passthrough = request.providerOptions ?? {};
  const refused = vendor.unsupportedFields.filter((field) => field in passthrough);
  if (refused.length > 0) {
    throw createProviderError({
      provider,
      kind: 'invalid_request',
      model: request.model,
      detail: `${refused.map((field) => `"${field}"`).join(', ')} is not supported by this provider; remove it from providerOptions`,
    });
  }
  const choices = passthrough.n;
  if (choices !== undefined && choices !== 1) {
    throw createProviderError({
      provider,
      kind: 'invalid_request',
      model: request.model,
      detail: `"n": ${JSON.stringify(choices)} asks for several choices, but a Catalyst call returns one; make several calls instead`,
    });
  }
  // Pass-through fields are the caller's responsibility: they go on the wire as given, last,
  // so they can also override a mapped field (e.g. `max_tokens` for an old server).
  return { ...body, ...passthrough, stream: true } as OpenAIChatBody;
}

function mapToolChoice(choice: ToolChoice): ChatCompletionToolChoiceOption {
  if (typeof choice === 'string') return choice;
  return { type: 'function', function: { name: choice.name } };
}

function mapResponseFormat(
  format: ResponseFormat | undefined,
): ChatCompletionCreateParamsStreaming['response_format'] {
  if (format === undefined) return undefined;
  switch (format.type) {
    case 'text':
      // Text is the default; leaving the field out keeps servers without JSON mode working.
      return undefined;
    case 'json_object':
      return { type: 'json_object' };
    case 'json_schema':
      return {
        type: 'json_schema',
        json_schema: {
          name: format.name,
          schema: format.schema,
          ...(format.description !== undefined && { description: format.description }),
          ...(format.strict !== undefined && { strict: format.strict }),
        },
      };
    default: {
      const unreachable: never = format;
      throw new Error(`unknown response format ${JSON.stringify(unreachable)}`);
    }
  }
}
