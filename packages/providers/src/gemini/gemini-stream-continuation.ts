import { ApiError, type GenerateContentResponseUsageMetadata } from '@google/genai';
import type { GeminiStreamChunk } from './gemini-stream-client.js';

// The SDK's `MAX_STREAM_RECONNECTS_WITHOUT_PROGRESS`: hops in a row that may end without a new
// checkpoint token before the stream gives up.
const MAX_RECONNECTS_WITHOUT_PROGRESS = 3;

/** The request a continuation belongs to. */
export interface GeminiContinuationOptions {
  /** `config.automaticContinuation` of the request, as the SDK reads it: unset means on. */
  automaticContinuation: unknown;
  /** The request's signal: an error after it aborted is thrown, never retried. */
  signal: AbortSignal;
}

/** The state of one streamed answer across its hops; see `geminiStreamContinuation`. */
export interface GeminiStreamContinuation {
  /** Records one chunk of the current hop and returns the chunk to yield in its place. */
  observe(chunk: GeminiStreamChunk): GeminiStreamChunk;
  /**
   * Ends the current hop, given the error it failed with (wrapped, so that a thrown `undefined`
   * is still an error). True: open the next hop with `resumeToken()`. Throws the error the
   * stream ends with.
   */
  endHop(hopError: { error: unknown } | undefined): boolean;
  /** The token the next hop resumes from, once `endHop` returned true. */
  resumeToken(): string;
}

/** One hop's state, replaced at every hop (the SDK's `StreamHop`). */
interface Hop {
  startToken: string | undefined;
  token?: string | undefined;
  finishReason?: string | undefined;
  usage?: GenerateContentResponseUsageMetadata;
  hasPromptFeedback: boolean;
  hasYieldedContent: boolean;
  receivedAnyChunk: boolean;
}

/**
 * `@google/genai`'s automatic continuation of a streamed answer (its `StreamContinuation`, driven
 * as its `generateContentStreamWithContinuation` drives it), so that a long answer the API splits
 * into several requests reads as one stream on the direct path as on the SDK's. The caller reads
 * each hop, passing every chunk through `observe`, and asks `endHop` whether to open another.
 *
 * A first candidate that carries a `continuationToken` while its `finishReason` is absent or
 * `CONTINUATION` is a checkpoint: the intermediate `finishReason` is cleared, and when the hop
 * ends with `CONTINUATION`, or drops or closes without a `finishReason`, the same request is sent
 * again with the latest checkpoint token. A hop that made no progress (no new token, no content)
 * is retried from the token it started with, at most three times in a row. Usage is summed across
 * hops (within a hop, each chunk's usage is the hop's running total), as the SDK's
 * `mergeUsageMetadata` sums it, and carries the SDK's non-enumerable `initialPromptTokenCount`.
 *
 * Errors, as in the SDK: an error after the signal aborted, or an `AbortError`, is thrown at
 * once; so is an `ApiError` before the hop's first chunk (a rejected request; retrying it is the
 * caller's business). Any other error, or a clean close without a `finishReason`, resumes when it
 * can; a stream that gives up throws the latest error since it last made progress.
 *
 * @example
 * const continuation = geminiStreamContinuation({ automaticContinuation, signal });
 * for (let hop = first; ; hop = await open(continuation.resumeToken())) {
 *   let hopError;
 *   try { for await (const chunk of hop) yield continuation.observe(chunk); }
 *   catch (error) { hopError = { error }; }
 *   if (!continuation.endHop(hopError)) return;
 * }
 */
export function geminiStreamContinuation(
  options: GeminiContinuationOptions,
): GeminiStreamContinuation {
  const enabled =
    options.automaticContinuation === undefined || options.automaticContinuation === null
      ? true
      : Boolean(options.automaticContinuation);
  let hop = newHop(undefined);
  let accumulatedUsage: GenerateContentResponseUsageMetadata | undefined;
  let resumeToken: string | undefined;
  let reconnectsWithoutProgress = 0;
  let lastError: { error: unknown } | undefined;

  function observe(received: GeminiStreamChunk): GeminiStreamChunk {
    let chunk = received;
    hop.receivedAnyChunk = true;
    if (chunk.promptFeedback !== undefined && chunk.promptFeedback !== null) {
      hop.hasPromptFeedback = true;
    }
    if (chunk.usageMetadata) {
      if (accumulatedUsage) {
        const merged = mergeUsageMetadata(accumulatedUsage, chunk.usageMetadata);
        chunk = { ...chunk, usageMetadata: merged };
        hop.usage = merged;
      } else {
        attachInitialPromptTokenCount(chunk.usageMetadata);
        hop.usage = chunk.usageMetadata;
      }
    }
    const candidate = chunk.candidates?.[0];
    if (candidate) {
      // The SDK's converter drops fields sent as null; the wire JSON keeps them.
      const finishReason = candidate.finishReason ?? undefined;
      if ((candidate.content?.parts?.length ?? 0) > 0) hop.hasYieldedContent = true;
      if (finishReason !== undefined) hop.finishReason = finishReason;
      if (candidate.continuationToken) {
        hop.token = candidate.continuationToken;
      } else if (finishReason !== undefined && !isResumable(finishReason)) {
        hop.token = undefined;
      }
      // An intermediate finish (the stream goes on) is not the answer's finish.
      if (finishReason !== undefined && canResume(hop.token, finishReason, false)) {
        candidate.finishReason = undefined;
      }
    }
    return chunk;
  }

  /** The SDK's `endHop`. */
  function endHop(hopError: { error: unknown } | undefined): boolean {
    if (hop.usage) accumulatedUsage = hop.usage;
    if (
      hopError &&
      (options.signal.aborted ||
        (hopError.error instanceof Error && hopError.error.name === 'AbortError') ||
        (hopError.error instanceof ApiError && !hop.receivedAnyChunk))
    ) {
      throw hopError.error;
    }
    const madeProgress =
      hop.hasYieldedContent || (Boolean(hop.token) && hop.token !== hop.startToken);
    if (hopError) lastError = hopError;
    else if (madeProgress) lastError = undefined;
    [resumeToken, reconnectsWithoutProgress] = nextResumeToken();
    if (canResume(resumeToken, hop.finishReason, hop.hasPromptFeedback)) {
      hop = newHop(resumeToken);
      return true;
    }
    if (hopError) throw hopError.error;
    // Never a stale error when the API ended the hop itself.
    const gaveUp = hop.finishReason === undefined && !hop.hasPromptFeedback;
    if (gaveUp && lastError) throw lastError.error;
    return false;
  }

  /** The token to resume from (`undefined`: stop) and the updated count of fruitless hops. */
  function nextResumeToken(): [string | undefined, number] {
    if (hop.finishReason !== undefined || hop.hasPromptFeedback) {
      if (
        hop.finishReason === 'CONTINUATION' &&
        !hop.hasPromptFeedback &&
        hop.token &&
        hop.token !== hop.startToken
      ) {
        return [hop.token, 0];
      }
      // Ended by the API without a new token: the same token would only repeat the hop.
      return [undefined, 0];
    }
    if (hop.token && hop.token !== hop.startToken) return [hop.token, 0];
    if (hop.hasYieldedContent || reconnectsWithoutProgress >= MAX_RECONNECTS_WITHOUT_PROGRESS) {
      return [undefined, reconnectsWithoutProgress];
    }
    // Checkpoints come partway through a hop: one that dropped before its own is retried.
    return [hop.startToken, reconnectsWithoutProgress + 1];
  }

  function canResume(
    token: string | undefined,
    finishReason: string | undefined,
    hasPromptFeedback: boolean,
  ): boolean {
    return enabled && !hasPromptFeedback && Boolean(token) && isResumable(finishReason);
  }

  return {
    observe,
    endHop,
    // endHop returns true only with a token to resume from.
    resumeToken: () => resumeToken as string,
  };
}

function newHop(startToken: string | undefined): Hop {
  return {
    startToken,
    hasPromptFeedback: false,
    hasYieldedContent: false,
    receivedAnyChunk: false,
  };
}

function isResumable(finishReason: string | undefined): boolean {
  return finishReason === undefined || finishReason === 'CONTINUATION';
}

type UsageRecord = Record<string, unknown>;

/** The SDK's `_initialPromptTokenCount`, else the prompt count. */
function initialPromptTokenCount(usage: UsageRecord | undefined): unknown {
  if (!usage) return undefined;
  return usage._initialPromptTokenCount ?? usage.promptTokenCount;
}

/**
 * The SDK's `attachInitialPromptTokenCount`: the first hop's prompt count, kept as a
 * non-enumerable value with an `initialPromptTokenCount` getter (neither is serialised).
 */
function attachInitialPromptTokenCount<Usage extends object>(
  usage: Usage,
  initial?: unknown,
): Usage {
  const resolved = initial ?? initialPromptTokenCount(usage as UsageRecord);
  if (resolved !== undefined) {
    Object.defineProperty(usage, '_initialPromptTokenCount', {
      value: resolved,
      enumerable: false,
      configurable: true,
      writable: true,
    });
  }
  if (!Object.hasOwn(usage, 'initialPromptTokenCount')) {
    Object.defineProperty(usage, 'initialPromptTokenCount', {
      get(this: UsageRecord) {
        return initialPromptTokenCount(this);
      },
      enumerable: false,
      configurable: true,
    });
  }
  return usage;
}

/**
 * The SDK's `mergeUsageMetadata`: every number summed (billed counts add up across hops),
 * per-modality counts summed by modality, other arrays joined, other values the latest hop's.
 */
export function mergeUsageMetadata(
  previous: GenerateContentResponseUsageMetadata | undefined,
  current: GenerateContentResponseUsageMetadata | undefined,
): GenerateContentResponseUsageMetadata | undefined {
  if (!current) return previous ? attachInitialPromptTokenCount(previous) : previous;
  if (!previous) return attachInitialPromptTokenCount(current);
  const initial =
    initialPromptTokenCount(previous as UsageRecord) ??
    initialPromptTokenCount(current as UsageRecord);
  const merged = mergeUsageObjects(previous as UsageRecord, current as UsageRecord);
  return attachInitialPromptTokenCount(merged, initial) as GenerateContentResponseUsageMetadata;
}

/** The SDK's `mergeResponseObjects` with `isUsageMetadata` set, the only way it is used here. */
function mergeUsageObjects(previous: UsageRecord, current: UsageRecord): UsageRecord {
  const merged: UsageRecord = {};
  for (const name of new Set([...Object.keys(previous), ...Object.keys(current)])) {
    const before = previous[name];
    const after = current[name];
    if (name === 'usageMetadata') {
      const usage = mergeUsageMetadata(
        before as GenerateContentResponseUsageMetadata | undefined,
        after as GenerateContentResponseUsageMetadata | undefined,
      );
      if (usage !== undefined) merged[name] = usage;
    } else if (after === undefined || after === null) {
      if (before !== undefined) merged[name] = before;
    } else if (before === undefined || before === null) {
      merged[name] = after;
    } else if (typeof before === 'number' && typeof after === 'number') {
      merged[name] = before + after;
    } else if (Array.isArray(before) && Array.isArray(after)) {
      if (isModalityCounts(name, before) || isModalityCounts(name, after)) {
        merged[name] = mergeModalityCounts(before, after);
      } else if (name === 'safetyRatings') {
        merged[name] = latestByCategory(before, after);
      } else {
        merged[name] = [...before, ...after];
      }
    } else if (isPlainObject(before) && isPlainObject(after)) {
      merged[name] = mergeUsageObjects(before, after);
    } else {
      merged[name] = after;
    }
  }
  return merged;
}

function isPlainObject(value: unknown): value is UsageRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === null || prototype === Object.prototype;
}

function isModalityCounts(name: string, list: unknown[]): boolean {
  if (name.endsWith('TokensDetails')) return true;
  const first = list[0];
  return typeof first === 'object' && first !== null && 'modality' in first;
}

/** Token counts summed per modality, in the order the modalities first appear. */
function mergeModalityCounts(
  before: unknown[],
  after: unknown[],
): Array<{ modality: unknown; tokenCount: number }> {
  const counts = new Map<unknown, number>();
  for (const item of [...before, ...after] as Array<{ modality?: unknown; tokenCount?: number }>) {
    counts.set(item.modality, (counts.get(item.modality) ?? 0) + (item.tokenCount ?? 0));
  }
  return [...counts].map(([modality, tokenCount]) => ({ modality, tokenCount }));
}

/** One rating per category, the latest hop's, in the order the categories first appear. */
function latestByCategory(before: unknown[], after: unknown[]): unknown[] {
  const byCategory = new Map<unknown, unknown>();
  for (const rating of [...before, ...after] as Array<{ category?: unknown }>) {
    byCategory.set(rating.category, rating);
  }
  return [...byCategory.values()];
}
