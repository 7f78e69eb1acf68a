import type { CallWarning, ChatRequest } from '@catalyst/spec';
import { estimatePromptTokens } from '../catalog/estimate-prompt-tokens.js';
import type { NormalizedConversation } from '../shared/normalize-messages.js';

/** Anthropic accepts at most four `cache_control` breakpoints in one request. */
export const ANTHROPIC_MAX_CACHE_BREAKPOINTS = 4;

/**
 * Smallest prefix, in tokens, Anthropic caches for a model (its prompt-caching docs); a shorter
 * prefix is processed at the full price whatever its breakpoint says. Checked in order, first
 * match wins; models not listed get 1024, the smallest minimum of a current model.
 */
const MINIMUM_CACHEABLE_TOKENS: ReadonlyArray<readonly [prefix: string, tokens: number]> = [
  ['claude-opus-4-6', 4096],
  ['claude-opus-4-5', 4096],
  // Haiku 4.x (4.5) by family.
  ['claude-haiku-4-', 4096],
  ['claude-sonnet-4-6', 2048],
  ['claude-3-5-haiku', 2048],
  ['claude-3-haiku', 2048],
];
const DEFAULT_MINIMUM_CACHEABLE_TOKENS = 1024;

/** The minimum cacheable prefix of an Anthropic model, in tokens. */
export function anthropicMinimumCacheableTokens(model: string): number {
  for (const [prefix, tokens] of MINIMUM_CACHEABLE_TOKENS) {
    if (model.startsWith(prefix)) return tokens;
  }
  return DEFAULT_MINIMUM_CACHEABLE_TOKENS;
}

/** Where {@link planAnthropicCacheBreakpoints} puts `cache_control`. */
export interface AnthropicCacheBreakpoints {
  /** On the last tool definition. */
  tools: boolean;
  /** On the system prompt. */
  system: boolean;
  /** Indexes into the conversation's messages, each on that message's last block. */
  messages: Set<number>;
  /** Breakpoints asked for and not placed, with the reason. */
  warnings: CallWarning[];
}

/**
 * Decides the request's cache breakpoints. Anthropic's cache key is the prefix in the order
 * tools → system → messages; `request.cache` asks for breakpoints after the tools and after the
 * system prompt, and a message with `cache: true` (a system message's counts for the system
 * prompt) for one after that message.
 *
 * - A breakpoint whose prefix is estimated below the model's minimum cacheable length
 *   ({@link anthropicMinimumCacheableTokens}; {@link estimatePromptTokens}, tools counted as
 *   their JSON text) is not placed, with a warning: it could not cache, and it would take one of
 *   the four slots.
 * - Beyond four, the earliest *message* breakpoints are dropped, with a warning: a later
 *   breakpoint caches a longer prefix, and Anthropic's lookback (about 20 blocks before each
 *   breakpoint) still finds a shorter cached prefix. The tools and system breakpoints, the
 *   prefix every run of a workflow shares, are kept.
 */
export function planAnthropicCacheBreakpoints(options: {
  request: ChatRequest;
  conversation: NormalizedConversation;
  /** The tools exactly as they are sent (JSON-mode tool included). */
  tools: readonly object[];
}): AnthropicCacheBreakpoints {
  const { request, conversation, tools } = options;
  const plan: AnthropicCacheBreakpoints = {
    tools: false,
    system: false,
    messages: new Set(),
    warnings: [],
  };
  const minimum = anthropicMinimumCacheableTokens(request.model);
  const toolTokens =
    tools.length === 0
      ? 0
      : estimatePromptTokens(
          tools.map((tool) => ({ role: 'user', content: JSON.stringify(tool) })),
        ) - 3;
  const prefixTokens = (messageCount: number, withSystem: boolean) =>
    toolTokens +
    estimatePromptTokens(
      conversation.messages.slice(0, messageCount),
      withSystem ? conversation.system : undefined,
    );
  const tooShort = (where: string, tokens: number) =>
    plan.warnings.push({
      type: 'unsupported-setting',
      setting: 'cache',
      message: `anthropic: no cache breakpoint ${where}: the prefix is about ${tokens} tokens, below the ${minimum} that ${request.model} caches`,
    });

  if (request.cache === true && tools.length > 0) {
    const tokens = prefixTokens(0, false);
    if (tokens >= minimum) plan.tools = true;
    else tooShort('after the tools', tokens);
  }
  const systemMarked =
    request.cache === true ||
    request.messages.some((message) => message.role === 'system' && message.cache === true);
  if (systemMarked && conversation.system !== undefined) {
    const tokens = prefixTokens(0, true);
    if (tokens >= minimum) plan.system = true;
    else tooShort('after the system prompt', tokens);
  }
  const marked: number[] = [];
  conversation.messages.forEach((message, index) => {
    if (message.cache !== true) return;
    const tokens = prefixTokens(index + 1, true);
    if (tokens >= minimum) marked.push(index);
    else tooShort(`after message ${index + 1}`, tokens);
  });
  const slots = ANTHROPIC_MAX_CACHE_BREAKPOINTS - (plan.tools ? 1 : 0) - (plan.system ? 1 : 0);
  const dropped = marked.length - slots;
  if (dropped > 0) {
    plan.warnings.push({
      type: 'unsupported-setting',
      setting: 'cache',
      message: `anthropic: ${dropped} cache breakpoint(s) dropped (after message ${marked
        .slice(0, dropped)
        .map((index) => index + 1)
        .join(
          ', ',
        )}): a request takes at most ${ANTHROPIC_MAX_CACHE_BREAKPOINTS}, and the latest are kept`,
    });
  }
  for (const index of marked.slice(Math.max(0, dropped))) plan.messages.add(index);
  return plan;
}
