import { createHash } from 'node:crypto';
import type { ReplyPlan } from '../types.js';
import { type GeminiFinishReason, mapGeminiFinishReason } from './map-gemini-finish-reason.js';

/** A part of a model turn. Function calls carry no id: Gemini matches them by name and order. */
export type GeminiPart = { text: string } | { functionCall: { name: string; args: unknown } };

/** Gemini's `usageMetadata`. */
export interface GeminiUsageMetadata {
  promptTokenCount: number;
  candidatesTokenCount: number;
  totalTokenCount: number;
  cachedContentTokenCount?: number;
  promptTokensDetails: Array<{ modality: 'TEXT'; tokenCount: number }>;
}

/** One candidate of a GenerateContentResponse. */
export interface GeminiCandidate {
  content: { parts: GeminiPart[]; role: 'model' };
  finishReason?: GeminiFinishReason;
  safetyRatings?: Array<{ category: string; probability: string; blocked?: boolean }>;
  index: number;
}

/** A GenerateContentResponse: the whole non-stream body, or one stream chunk. */
export interface GeminiResponse {
  candidates: GeminiCandidate[];
  usageMetadata: GeminiUsageMetadata;
  modelVersion: string;
  responseId: string;
}

/** A response id in Google's shape (22 url-safe characters), stable per request. */
export function geminiResponseId(requestId: number): string {
  return createHash('sha256').update(`response:${requestId}`).digest('base64url').slice(0, 22);
}

/** Usage with `outputTokens` generated so far; the prompt count is the plan's whole input. */
export function geminiUsage(plan: ReplyPlan, outputTokens: number): GeminiUsageMetadata {
  const { inputTokens, cacheReadTokens } = plan.usage;
  return {
    promptTokenCount: inputTokens,
    candidatesTokenCount: outputTokens,
    totalTokenCount: inputTokens + outputTokens,
    // Cached tokens are part of promptTokenCount, and reported again here.
    ...(cacheReadTokens > 0 ? { cachedContentTokenCount: cacheReadTokens } : {}),
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: inputTokens }],
  };
}

/** Parses planned arguments; Gemini sends `args` as an object, never as text. */
function functionArgs(argumentsJson: string): unknown {
  try {
    const parsed: unknown = JSON.parse(argumentsJson);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? parsed : {};
  } catch {
    return {};
  }
}

/** The function-call parts of a plan. */
export function functionCallParts(plan: ReplyPlan): GeminiPart[] {
  return plan.toolCalls.map((call) => ({
    functionCall: { name: call.name, args: functionArgs(call.arguments) },
  }));
}

/** Candidates carrying `parts`, one per requested candidate, with the finish when it is known. */
export function geminiCandidates(
  plan: ReplyPlan,
  parts: GeminiPart[],
  finished: boolean,
): GeminiCandidate[] {
  const finishReason = mapGeminiFinishReason(plan.finish);
  return Array.from({ length: Math.max(1, plan.choices) }, (_, index) => ({
    content: { parts, role: 'model' as const },
    ...(finished ? { finishReason } : {}),
    ...(finished && finishReason === 'SAFETY'
      ? {
          safetyRatings: [
            { category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH', blocked: true },
          ],
        }
      : {}),
    index,
  }));
}

/** The non-stream generateContent body for a plan. */
export function geminiResponse(plan: ReplyPlan, requestId: number): GeminiResponse {
  const text = plan.chunks.join('');
  const parts: GeminiPart[] = [...(text === '' ? [] : [{ text }]), ...functionCallParts(plan)];
  return {
    candidates: geminiCandidates(plan, parts.length > 0 ? parts : [{ text: '' }], true),
    usageMetadata: geminiUsage(plan, plan.usage.outputTokens),
    modelVersion: plan.model,
    responseId: geminiResponseId(requestId),
  };
}
