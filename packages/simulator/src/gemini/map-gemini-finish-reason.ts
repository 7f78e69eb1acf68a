import type { PlannedFinish } from '../types.js';

/** The Gemini `finishReason` values the simulator produces. */
export type GeminiFinishReason = 'STOP' | 'MAX_TOKENS' | 'SAFETY';

/**
 * Maps the planned finish to Gemini's `finishReason`. Gemini has no tool-call or stop-sequence
 * reason: a function call and a stop sequence both end with STOP.
 */
export function mapGeminiFinishReason(finish: PlannedFinish): GeminiFinishReason {
  switch (finish) {
    case 'stop':
    case 'stop_sequence':
    case 'tool_calls':
      return 'STOP';
    case 'length':
      return 'MAX_TOKENS';
    case 'content_filter':
      return 'SAFETY';
    default: {
      const unreachable: never = finish;
      throw new Error(`unknown finish ${String(unreachable)}`);
    }
  }
}
