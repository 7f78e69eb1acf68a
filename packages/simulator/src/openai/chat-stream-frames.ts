import { splitAtArbitraryPositions } from '../core/split-into-chunks.js';
import type { ReplyPlan, SimRequest, StreamFrame } from '../types.js';
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

/** Frames an SSE `data:` line, as every OpenAI-compatible API does (no `event:` line). */
export function dataFrame(payload: unknown): string {
  return `data: ${JSON.stringify(payload)}\n\n`;
}

/**
 * The frames of a streamed chat completion in the vendor's dialect: role chunk, interleaved
 * content chunks for each of `n` choices, tool-call deltas (split or whole), finish chunks,
 * usage (a `choices:[]` chunk or Groq's `x_groq`), then `[DONE]`.
 */
export function chatStreamFrames(options: {
  vendor: OpenAiVendor;
  request: SimRequest;
  plan: ReplyPlan;
  legacyFunctions: boolean;
  includeUsage: boolean;
}): StreamFrame[] {
  const { vendor, request, plan, legacyFunctions } = options;
  const id = completionId(vendor, request);
  const usageChunkWanted =
    vendor.streamUsage === 'usage-chunk-always' ||
    (vendor.streamUsage === 'usage-chunk-when-asked' && options.includeUsage);
  const usageNullOnChunks = vendor.streamUsage === 'usage-chunk-when-asked' && options.includeUsage;
  const frames: StreamFrame[] = [];

  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}): string =>
    dataFrame({
      id,
      object: 'chat.completion.chunk',
      created: SIMULATED_CREATED,
      model: plan.model,
      system_fingerprint: SIMULATED_FINGERPRINT,
      choices,
      ...(usageNullOnChunks ? { usage: null } : {}),
      ...extra,
    });
  const choice = (
    index: number,
    delta: Record<string, unknown>,
    finishReason: string | null,
    filter: 'empty' | 'safe' = 'safe',
  ): Record<string, unknown> => ({
    index,
    delta,
    ...(vendor.omitNullChoiceFields && finishReason === null
      ? {}
      : { logprobs: null, finish_reason: finishReason }),
    ...(vendor.contentFilter
      ? { content_filter_results: filter === 'empty' ? {} : safeFilterResults() }
      : {}),
  });
  const choiceIndexes = Array.from({ length: plan.choices }, (_, index) => index);

  if (vendor.contentFilter) {
    // Azure opens with a prompt-filter chunk whose id, model and object are empty.
    frames.push({
      wire: dataFrame({
        choices: [],
        created: 0,
        id: '',
        model: '',
        object: '',
        prompt_filter_results: [{ prompt_index: 0, content_filter_results: safeFilterResults() }],
      }),
      content: false,
    });
  }

  const toolOnly = plan.toolCalls.length > 0 && plan.chunks.length === 0;
  for (const index of choiceIndexes) {
    const extra =
      index === 0 && vendor.provider === 'groq' ? { x_groq: { id: groqRequestId(request) } } : {};
    frames.push({
      wire: chunk(
        [
          choice(
            index,
            { role: 'assistant', content: toolOnly ? null : '', refusal: null },
            null,
            'empty',
          ),
        ],
        extra,
      ),
      content: false,
    });
  }

  for (const text of plan.chunks) {
    for (const index of choiceIndexes) {
      frames.push({ wire: chunk([choice(index, { content: text }, null)]), content: true });
    }
  }

  plan.toolCalls.forEach((call, callIndex) => {
    for (const index of choiceIndexes) {
      if (legacyFunctions) {
        if (callIndex > 0) continue;
        frames.push({
          wire: chunk([choice(index, { function_call: { name: call.name, arguments: '' } }, null)]),
          content: false,
        });
        for (const fragment of splitAtArbitraryPositions(call.arguments)) {
          frames.push({
            wire: chunk([choice(index, { function_call: { arguments: fragment } }, null)]),
            content: true,
          });
        }
        continue;
      }
      const opening = { index: callIndex, id: call.id, type: 'function' };
      if (vendor.toolArguments === 'whole') {
        frames.push({
          wire: chunk([
            choice(
              index,
              {
                tool_calls: [
                  { ...opening, function: { name: call.name, arguments: call.arguments } },
                ],
              },
              null,
            ),
          ]),
          content: true,
        });
        continue;
      }
      frames.push({
        wire: chunk([
          choice(
            index,
            { tool_calls: [{ ...opening, function: { name: call.name, arguments: '' } }] },
            null,
          ),
        ]),
        content: false,
      });
      for (const fragment of splitAtArbitraryPositions(call.arguments)) {
        frames.push({
          wire: chunk([
            choice(
              index,
              { tool_calls: [{ index: callIndex, function: { arguments: fragment } }] },
              null,
            ),
          ]),
          content: true,
        });
      }
    }
  });

  const finishReason = openAiFinishReason(plan.finish, legacyFunctions);
  const usage = openAiUsage(vendor, plan);
  for (const index of choiceIndexes) {
    const last = index === choiceIndexes.length - 1;
    // Groq puts usage on the finish chunk itself (in x_groq and mirrored at the top level).
    const extra =
      last && vendor.streamUsage === 'x-groq-on-finish'
        ? { x_groq: { id: groqRequestId(request), usage }, usage }
        : {};
    frames.push({ wire: chunk([choice(index, {}, finishReason, 'empty')], extra), content: false });
  }
  if (usageChunkWanted) {
    frames.push({ wire: chunk([], { usage }), content: false });
  }
  frames.push({ wire: 'data: [DONE]\n\n', content: false });
  return frames;
}

/** A chunk cut off mid-JSON (malformed fault). */
export function malformedChatFrame(vendor: OpenAiVendor, request: SimRequest): string {
  return `data: {"id":"${completionId(vendor, request)}","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"cut of\n\n`;
}
