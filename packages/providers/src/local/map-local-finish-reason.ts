import type { FinishReason } from '@catalyst/spec';
import type { LlamaChatResponse } from 'node-llama-cpp';

/** Why node-llama-cpp stopped generating. */
export type LocalStopReason = LlamaChatResponse['metadata']['stopReason'];

/** Maps node-llama-cpp's stop reason to Catalyst's; `abort` never gets here (it ends in an error). */
export function mapLocalFinishReason(stopReason: LocalStopReason): FinishReason {
  switch (stopReason) {
    case 'eogToken':
    case 'stopGenerationTrigger':
    case 'customStopTrigger':
      return 'stop';
    case 'maxTokens':
      return 'length';
    case 'functionCalls':
      return 'tool_calls';
    case 'abort':
      return 'other';
    default: {
      const unreachable: never = stopReason;
      return unreachable;
    }
  }
}
