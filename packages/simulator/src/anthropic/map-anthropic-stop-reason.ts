import type { PlannedFinish } from '../types.js';

/** The Anthropic `stop_reason` values the simulator produces. */
export type AnthropicStopReason =
  | 'end_turn'
  | 'max_tokens'
  | 'stop_sequence'
  | 'tool_use'
  | 'refusal';

/** Maps the planned finish to Anthropic's `stop_reason`. */
export function mapAnthropicStopReason(finish: PlannedFinish): AnthropicStopReason {
  switch (finish) {
    case 'stop':
      return 'end_turn';
    case 'length':
      return 'max_tokens';
    case 'stop_sequence':
      return 'stop_sequence';
    case 'tool_calls':
      return 'tool_use';
    case 'content_filter':
      // Anthropic has no filter finish; a refusal is the nearest thing a client sees.
      return 'refusal';
    default: {
      const unreachable: never = finish;
      throw new Error(`unknown finish ${String(unreachable)}`);
    }
  }
}
