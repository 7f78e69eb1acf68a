import type { RawPart } from '../shared/raw-part.js';
import { mapOpenAIFinishReason } from './map-openai-finish-reason.js';
import { mapOpenAIUsage } from './map-openai-usage.js';
import type { OpenAIChatChunk } from './openai-chat-chunk.js';

/** Vendor differences the chunk mapping needs to know. */
export interface ChunkMappingOptions {
  /** See `mapOpenAIUsage`: xAI reports reasoning tokens outside `completion_tokens`. */
  reasoningOutsideCompletion?: boolean;
}

/**
 * Maps one `chat.completion.chunk` to raw parts: text deltas, tool-call fragments (split at any
 * position or whole, parallel calls keyed by index), the legacy `function_call` form, the finish
 * reason and usage. Never assumes `choices[0]` exists: Azure's first chunk and every usage chunk
 * carry `choices: []`. The model id and request id are handled by the caller, once per stream.
 */
export function mapOpenAIChunk(
  chunk: OpenAIChatChunk,
  options: ChunkMappingOptions = {},
): RawPart[] {
  const parts: RawPart[] = [];
  for (const choice of chunk.choices ?? []) {
    // Catalyst asks for one choice; with `n` > 1 (refused when requesting) others would interleave.
    if ((choice.index ?? 0) !== 0) continue;
    const delta = choice.delta;
    if (delta?.content) parts.push({ type: 'text', text: delta.content });
    for (const call of delta?.tool_calls ?? []) {
      const part: RawPart = {
        type: 'tool-call-delta',
        index: call.index,
        argumentsDelta: call.function?.arguments ?? '',
      };
      if (call.id) part.id = call.id;
      if (call.function?.name) part.name = call.function.name;
      parts.push(part);
    }
    if (delta?.function_call) {
      // The legacy form has one call and no id; it becomes tool call 0 with a generated id.
      const part: RawPart = {
        type: 'tool-call-delta',
        index: 0,
        argumentsDelta: delta.function_call.arguments ?? '',
      };
      if (delta.function_call.name) part.name = delta.function_call.name;
      parts.push(part);
    }
    const finishReason = mapOpenAIFinishReason(choice.finish_reason);
    if (finishReason) parts.push({ type: 'finish', finishReason });
  }
  // Groq puts usage in `x_groq.usage` on the finish chunk (recent captures mirror it at the top).
  const usage = chunk.usage ?? chunk.x_groq?.usage;
  if (usage) {
    const mapped = mapOpenAIUsage(usage, {
      reasoningOutsideCompletion: options.reasoningOutsideCompletion === true,
    });
    parts.push({ type: 'usage', usage: mapped });
  }
  return parts;
}
