import { stableId } from '../core/stable-hash.js';
import type { PlannedFinish, ReplyPlan, SimRequest } from '../types.js';
import type { OpenAiVendor } from './openai-vendor.js';

/** Fixed creation time keeps replies byte-for-byte reproducible. */
export const SIMULATED_CREATED = 1_767_225_600;

/** `system_fingerprint` the simulator reports. */
export const SIMULATED_FINGERPRINT = 'fp_simulated';

/** The completion id, shaped like the vendor's (`chatcmpl-…`, xAI's UUID). */
export function completionId(vendor: OpenAiVendor, request: SimRequest): string {
  const seed = `completion:${request.id}`;
  if (vendor.provider === 'xai') {
    const hex = stableId(seed, 32)
      .toLowerCase()
      .replace(/[^0-9a-f]/g, 'a');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  return `chatcmpl-${stableId(seed, 29)}`;
}

/** Groq's `x_groq.id` request id. */
export function groqRequestId(request: SimRequest): string {
  return `req_${stableId(`groq:${request.id}`, 26).toLowerCase()}`;
}

/** Maps the planned finish to OpenAI's `finish_reason`. */
export function openAiFinishReason(finish: PlannedFinish, legacyFunctions: boolean): string {
  switch (finish) {
    case 'stop':
    case 'stop_sequence':
      return 'stop';
    case 'length':
      return 'length';
    case 'tool_calls':
      return legacyFunctions ? 'function_call' : 'tool_calls';
    case 'content_filter':
      return 'content_filter';
    default: {
      const unreachable: never = finish;
      return unreachable;
    }
  }
}

/** The `usage` object in the vendor's shape. */
export function openAiUsage(vendor: OpenAiVendor, plan: ReplyPlan): Record<string, unknown> {
  const { inputTokens, outputTokens, cacheReadTokens } = plan.usage;
  const totals = {
    prompt_tokens: inputTokens,
    completion_tokens: outputTokens,
    total_tokens: inputTokens + outputTokens,
  };
  if (vendor.provider === 'groq') {
    // Groq reports timings beside the counts; rough but plausible seconds. Its prompt caching
    // (gpt-oss, Kimi) reports cached tokens the OpenAI way, only when some were cached.
    return {
      queue_time: 0.01,
      prompt_tokens: inputTokens,
      prompt_time: inputTokens / 50_000,
      completion_tokens: outputTokens,
      completion_time: outputTokens / 500,
      total_tokens: inputTokens + outputTokens,
      total_time: 0.01 + inputTokens / 50_000 + outputTokens / 500,
      ...(cacheReadTokens > 0 && { prompt_tokens_details: { cached_tokens: cacheReadTokens } }),
    };
  }
  return {
    ...totals,
    prompt_tokens_details: {
      cached_tokens: cacheReadTokens,
      audio_tokens: 0,
      ...(vendor.provider === 'xai' ? { text_tokens: inputTokens, image_tokens: 0 } : {}),
    },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
    ...(vendor.provider === 'xai' ? { num_sources_used: 0 } : {}),
  };
}

/** Azure's content filter verdict for a prompt or a piece of output: everything safe. */
export function safeFilterResults(): Record<string, unknown> {
  const safe = { filtered: false, severity: 'safe' };
  return { hate: safe, self_harm: safe, sexual: safe, violence: safe };
}
