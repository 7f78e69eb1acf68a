import type { ReplyPlan } from '../types.js';
import { anthropicToolUseId } from './anthropic-ids.js';
import { type AnthropicUsage, anthropicUsage } from './anthropic-usage.js';
import { type AnthropicStopReason, mapAnthropicStopReason } from './map-anthropic-stop-reason.js';

/** A content block of a simulated reply. */
export type AnthropicContentBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown };

/** A non-stream Messages API response body. */
export interface AnthropicMessage {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: AnthropicContentBlock[];
  stop_reason: AnthropicStopReason;
  stop_sequence: string | null;
  usage: AnthropicUsage;
}

/** Parses planned arguments; the real API always sends an object, so anything else becomes {}. */
export function toolInput(argumentsJson: string): unknown {
  try {
    const parsed: unknown = JSON.parse(argumentsJson);
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch {
    return {};
  }
}

/** The content blocks of a plan: one text block (when there is text), then one per tool call. */
export function anthropicContent(plan: ReplyPlan): AnthropicContentBlock[] {
  const blocks: AnthropicContentBlock[] = [];
  const text = plan.chunks.join('');
  if (text !== '') {
    blocks.push({ type: 'text', text });
  }
  for (const call of plan.toolCalls) {
    blocks.push({
      type: 'tool_use',
      id: anthropicToolUseId(call.id),
      name: call.name,
      input: toolInput(call.arguments),
    });
  }
  return blocks;
}

/** Builds the non-stream response body for a plan. */
export function anthropicMessage(plan: ReplyPlan, messageId: string): AnthropicMessage {
  return {
    id: messageId,
    type: 'message',
    role: 'assistant',
    model: plan.model,
    content: anthropicContent(plan),
    stop_reason: mapAnthropicStopReason(plan.finish),
    stop_sequence: plan.finish === 'stop_sequence' ? (plan.stopSequence ?? null) : null,
    usage: anthropicUsage(plan),
  };
}
