import type { FinishReason } from '@catalyst/spec';

/**
 * Maps Anthropic's `stop_reason` to the normalised finish reason. In JSON mode the forced
 * `json` tool ends the turn with `tool_use`, which to the caller is an ordinary stop.
 *
 * The parameter is a plain string on purpose: Anthropic adds stop reasons over time
 * (`pause_turn`, `refusal`, `model_context_window_exceeded` …) and an unknown one must become
 * `other`, not a crash.
 */
export function mapAnthropicStopReason(options: {
  stopReason: string | null | undefined;
  jsonMode: boolean;
}): FinishReason {
  switch (options.stopReason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return options.jsonMode ? 'stop' : 'tool_calls';
    case 'refusal':
      return 'refusal';
    default:
      return 'other';
  }
}
