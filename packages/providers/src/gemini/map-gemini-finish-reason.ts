import type { FinishReason } from '@catalyst/spec';

/**
 * Maps Gemini's `finishReason`. Gemini reports `STOP` for a function call too, so whether a
 * function was called decides between `stop` and `tool_calls`.
 *
 * The parameter is a plain string: Google adds values over time (`UNEXPECTED_TOOL_CALL`,
 * `IMAGE_*` …) and an unknown one must become `other`, not a crash.
 */
export function mapGeminiFinishReason(options: {
  finishReason: string | undefined;
  calledFunction: boolean;
}): FinishReason {
  switch (options.finishReason) {
    case 'STOP':
      return options.calledFunction ? 'tool_calls' : 'stop';
    case 'MAX_TOKENS':
      return 'length';
    case 'SAFETY':
    case 'RECITATION':
    case 'BLOCKLIST':
    case 'PROHIBITED_CONTENT':
    case 'SPII':
    case 'IMAGE_SAFETY':
    case 'IMAGE_PROHIBITED_CONTENT':
      return 'content_filter';
    default:
      return 'other';
  }
}
