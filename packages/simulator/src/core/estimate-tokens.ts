/** Rough token count of text: about 4 characters per token, at least 1 for non-empty text. */
export function estimateTokens(text: string): number {
  return text.length === 0 ? 0 : Math.max(1, Math.ceil(text.length / 4));
}

/** Input tokens for a prompt: the text plus the chat format's per-message overhead. */
export function estimateInputTokens(options: { promptText: string; messageCount: number }): number {
  return estimateTokens(options.promptText) + 4 * options.messageCount + 3;
}
