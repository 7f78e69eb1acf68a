import type { FinishReason } from '@catalyst/spec';

/**
 * Maps an OpenAI-family `finish_reason` to Catalyst's. `undefined` while the reply is still
 * going (`null` on the wire); unknown future values become `other` rather than failing.
 */
export function mapOpenAIFinishReason(reason: string | null | undefined): FinishReason | undefined {
  switch (reason) {
    case null:
    case undefined:
    case '':
      return undefined;
    case 'stop':
      return 'stop';
    case 'length':
      return 'length';
    case 'tool_calls':
    // The deprecated single-function form is a tool call by another name.
    case 'function_call':
      return 'tool_calls';
    case 'content_filter':
      return 'content_filter';
    default:
      return 'other';
  }
}
