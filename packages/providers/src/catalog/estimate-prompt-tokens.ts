import type { ChatMessage } from '@catalyst/spec';

/**
 * A tokenizer-free estimate of a prompt's size in tokens, the same in both runtimes (Python:
 * `catalog.estimate_prompt_tokens`): for each message (the system prompt counts as one) its text
 * length in Unicode code points divided by 4, rounded up, plus 4 for the message's framing; plus 3
 * for the reply's priming. Non-text parts count nothing. Real tokenizers differ by model, usually
 * by less than a quarter on English text — good enough to pick a model, not to bill.
 *
 * @example
 * estimatePromptTokens([{ role: 'user', content: 'Hello there!' }]); // 3 + 4 + 3 = 10
 */
export function estimatePromptTokens(messages: readonly ChatMessage[], system?: string): number {
  let total = 3;
  if (system !== undefined) total += messageTokens(system);
  for (const message of messages) {
    total += messageTokens(textOf(message));
  }
  return total;
}

function messageTokens(text: string): number {
  let codePoints = 0;
  for (const _ of text) codePoints += 1;
  return Math.ceil(codePoints / 4) + 4;
}

function textOf(message: ChatMessage): string {
  if (typeof message.content === 'string') return message.content;
  return message.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
}
