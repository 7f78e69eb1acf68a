import type { ChatMessage, ChatRequest } from '@catalyst/spec';

/** A request's conversation with its shorthands applied, system text split out. */
export interface NormalizedConversation {
  /** All system text, joined by blank lines; undefined when there is none. */
  system?: string;
  /** The non-system messages in order. */
  messages: Exclude<ChatMessage, { role: 'system' }>[];
}

/**
 * Applies `request.system` and `request.prompt` and separates system messages, which most
 * providers take outside the message list (Anthropic `system`, Gemini `systemInstruction`).
 */
export function normalizeMessages(request: ChatRequest): NormalizedConversation {
  const systemTexts: string[] = request.system ? [request.system] : [];
  const messages: NormalizedConversation['messages'] = [];
  for (const message of request.messages) {
    if (message.role === 'system') systemTexts.push(message.content);
    else messages.push(message);
  }
  if (request.prompt !== undefined) messages.push({ role: 'user', content: request.prompt });
  const conversation: NormalizedConversation = { messages };
  if (systemTexts.length > 0) conversation.system = systemTexts.join('\n\n');
  return conversation;
}
