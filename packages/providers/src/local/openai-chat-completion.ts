import type { ChatResult, FinishReason, ToolCall, Usage } from '@catalyst/spec';

/** OpenAI's finish reasons; Catalyst's `refusal` and `other` have no counterpart and read as `stop`. */
export type OpenAIFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

/** Maps a Catalyst finish reason to OpenAI's. */
export function toOpenAIFinishReason(reason: FinishReason): OpenAIFinishReason {
  switch (reason) {
    case 'stop':
    case 'length':
    case 'tool_calls':
    case 'content_filter':
      return reason;
    case 'refusal':
    case 'other':
      return 'stop';
    default: {
      const unreachable: never = reason;
      return unreachable;
    }
  }
}

/** OpenAI's usage object. */
export function toOpenAIUsage(usage: Usage) {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.totalTokens,
  };
}

function toOpenAIToolCall(toolCall: ToolCall) {
  return {
    id: toolCall.id,
    type: 'function' as const,
    function: { name: toolCall.name, arguments: toolCall.arguments },
  };
}

/** Identity of one completion, shared by all its chunks. */
export interface CompletionIdentity {
  id: string;
  created: number;
  model: string;
}

/** A non-streaming `chat.completion` object. */
export function toOpenAIChatCompletion(identity: CompletionIdentity, result: ChatResult) {
  return {
    id: identity.id,
    object: 'chat.completion' as const,
    created: identity.created,
    model: result.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant' as const,
          content: result.toolCalls.length > 0 && !result.text ? null : result.text,
          refusal: null,
          ...(result.toolCalls.length > 0 && {
            tool_calls: result.toolCalls.map(toOpenAIToolCall),
          }),
        },
        logprobs: null,
        finish_reason: toOpenAIFinishReason(result.finishReason),
      },
    ],
    usage: toOpenAIUsage(result.usage),
  };
}

/** The delta of one streamed choice. */
export interface ChunkDelta {
  role?: 'assistant';
  content?: string;
  tool_calls?: Array<{
    index: number;
    id?: string;
    type?: 'function';
    function: { name?: string; arguments: string };
  }>;
}

/** One `chat.completion.chunk`; `choices` is empty for the trailing usage chunk. */
export function toOpenAIChunk(
  identity: CompletionIdentity,
  choice: { delta: ChunkDelta; finishReason: OpenAIFinishReason | null } | undefined,
  usage?: Usage,
) {
  return {
    id: identity.id,
    object: 'chat.completion.chunk' as const,
    created: identity.created,
    model: identity.model,
    choices: choice
      ? [{ index: 0, delta: choice.delta, logprobs: null, finish_reason: choice.finishReason }]
      : [],
    ...(usage && { usage: toOpenAIUsage(usage) }),
  };
}
