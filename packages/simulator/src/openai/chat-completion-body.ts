import type { ReplyPlan, SimRequest } from '../types.js';
import {
  completionId,
  groqRequestId,
  openAiFinishReason,
  openAiUsage,
  SIMULATED_CREATED,
  SIMULATED_FINGERPRINT,
  safeFilterResults,
} from './chat-completion-parts.js';
import type { OpenAiVendor } from './openai-vendor.js';

/** A whole (non-stream) `chat.completion` body in the vendor's shape. */
export function chatCompletionBody(options: {
  vendor: OpenAiVendor;
  request: SimRequest;
  plan: ReplyPlan;
  legacyFunctions: boolean;
}): Record<string, unknown> {
  const { vendor, request, plan, legacyFunctions } = options;
  const text = plan.chunks.join('');
  const hasCalls = plan.toolCalls.length > 0;
  const firstCall = plan.toolCalls[0];
  const message: Record<string, unknown> = {
    role: 'assistant',
    content: hasCalls && text.length === 0 ? null : text,
    refusal: null,
    annotations: [],
  };
  if (hasCalls && legacyFunctions && firstCall) {
    message.function_call = { name: firstCall.name, arguments: firstCall.arguments };
  } else if (hasCalls) {
    message.tool_calls = plan.toolCalls.map((call) => ({
      id: call.id,
      type: 'function',
      function: { name: call.name, arguments: call.arguments },
    }));
  }
  const finishReason = openAiFinishReason(plan.finish, legacyFunctions);
  const choices = Array.from({ length: plan.choices }, (_, index) => ({
    index,
    message,
    logprobs: null,
    finish_reason: finishReason,
    ...(vendor.contentFilter ? { content_filter_results: safeFilterResults() } : {}),
  }));
  return {
    id: completionId(vendor, request),
    object: 'chat.completion',
    created: SIMULATED_CREATED,
    model: plan.model,
    ...(vendor.contentFilter
      ? {
          prompt_filter_results: [{ prompt_index: 0, content_filter_results: safeFilterResults() }],
        }
      : {}),
    choices,
    usage: openAiUsage(vendor, plan),
    service_tier: 'default',
    system_fingerprint: SIMULATED_FINGERPRINT,
    ...(vendor.provider === 'groq' ? { x_groq: { id: groqRequestId(request) } } : {}),
  };
}
