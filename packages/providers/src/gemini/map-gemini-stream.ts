import type { Usage } from '@catalyst/spec';
import type { GenerateContentResponseUsageMetadata } from '@google/genai';
import { createProviderError } from '../shared/create-provider-error.js';
import type { RawPart } from '../shared/raw-part.js';
import type { GeminiStreamChunk } from './gemini-stream-client.js';
import { mapGeminiFinishReason } from './map-gemini-finish-reason.js';

/**
 * Maps Gemini stream chunks to `RawPart`s. Each chunk carries only new parts: text parts become
 * text (thought summaries, `thought: true`, are not reply text), and each function call arrives
 * whole, so it becomes one tool-call delta with all its arguments. Gemini sends no call ids; a
 * stable `call_<n>` is made up (its own id is used when present). Usage is cumulative per chunk.
 *
 * A prompt blocked outright (no candidates, `promptFeedback.blockReason`) is thrown as a
 * `content_filter` error.
 */
export async function* mapGeminiStream(
  chunks: AsyncIterable<GeminiStreamChunk>,
  options: { model: string },
): AsyncGenerator<RawPart> {
  let toolCalls = 0;
  let finishReason: string | undefined;

  for await (const chunk of chunks) {
    // `!= null`: the SDK's converter drops fields the wire sent as null, the direct path sees them.
    if (chunk.modelVersion != null || chunk.responseId != null) {
      yield {
        type: 'metadata',
        ...(chunk.modelVersion != null && { model: chunk.modelVersion }),
        ...(chunk.responseId != null && { requestId: chunk.responseId }),
      };
    }
    if (chunk.usageMetadata) yield { type: 'usage', usage: mapUsage(chunk.usageMetadata) };

    const blockReason = chunk.promptFeedback?.blockReason;
    if (blockReason !== undefined && (chunk.candidates ?? []).length === 0) {
      const message = chunk.promptFeedback?.blockReasonMessage;
      throw createProviderError({
        provider: 'gemini',
        kind: 'content_filter',
        model: options.model,
        detail: `the prompt was blocked (${blockReason})${message ? `: ${message}` : ''}`,
      });
    }

    const candidate = chunk.candidates?.[0];
    for (const part of candidate?.content?.parts ?? []) {
      if (part.thought === true) continue;
      if (part.text !== undefined && part.text !== '') yield { type: 'text', text: part.text };
      if (part.functionCall) {
        const index = toolCalls;
        toolCalls += 1;
        yield {
          type: 'tool-call-delta',
          index,
          id: part.functionCall.id ?? `call_${index}`,
          name: part.functionCall.name ?? '',
          argumentsDelta: JSON.stringify(part.functionCall.args ?? {}),
        };
      }
    }
    if (candidate?.finishReason != null) finishReason = candidate.finishReason;
  }

  if (finishReason !== undefined) {
    yield {
      type: 'finish',
      finishReason: mapGeminiFinishReason({ finishReason, calledFunction: toolCalls > 0 }),
    };
  }
}

/**
 * `promptTokenCount` already includes cached tokens; thinking tokens are billed as output, so
 * they are added to `outputTokens` (and reported again as `reasoningTokens`).
 */
function mapUsage(metadata: GenerateContentResponseUsageMetadata): Partial<Usage> {
  const thoughts = metadata.thoughtsTokenCount ?? 0;
  const usage: Partial<Usage> = {
    inputTokens: (metadata.promptTokenCount ?? 0) + (metadata.toolUsePromptTokenCount ?? 0),
    outputTokens: (metadata.candidatesTokenCount ?? 0) + thoughts,
    reasoningTokens: thoughts,
  };
  if (metadata.cachedContentTokenCount !== undefined) {
    usage.cacheReadTokens = metadata.cachedContentTokenCount;
  }
  return usage;
}
