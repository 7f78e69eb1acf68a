import type { ChatRequest, ImagePart, ProviderName, TextPart } from '@catalyst/spec';
import type {
  ChatCompletionContentPart,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import { createProviderError } from '../shared/create-provider-error.js';
import { normalizeMessages } from '../shared/normalize-messages.js';

/**
 * Maps a request's conversation to Chat Completions messages: system text first (the `system`
 * role; OpenAI maps it to `developer` for reasoning models itself), user text and images
 * (`image_url`, with base64 data as a `data:` URL), assistant turns with `tool_calls`, and tool
 * results as `tool` messages. Throws an `invalid_request` `ProviderError` for an image with
 * neither a URL nor data.
 *
 * @example
 * convertToOpenAIMessages({ provider: 'openai', request: { model, messages, signal, system: 'Be brief.' } });
 * // [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: '…' }]
 */
export function convertToOpenAIMessages(options: {
  provider: ProviderName;
  request: ChatRequest;
}): ChatCompletionMessageParam[] {
  const { provider, request } = options;
  const conversation = normalizeMessages(request);
  const messages: ChatCompletionMessageParam[] = [];
  if (conversation.system !== undefined) {
    messages.push({ role: 'system', content: conversation.system });
  }
  for (const message of conversation.messages) {
    switch (message.role) {
      case 'user':
        messages.push({
          role: 'user',
          content:
            typeof message.content === 'string'
              ? message.content
              : message.content.map((part) => convertUserPart({ provider, request, part })),
        });
        break;
      case 'assistant': {
        const toolCalls = message.toolCalls ?? [];
        if (toolCalls.length === 0) {
          messages.push({ role: 'assistant', content: message.content });
          break;
        }
        messages.push({
          role: 'assistant',
          // A turn that only calls tools has no text; the API wants null there, not "".
          content: message.content === '' ? null : message.content,
          tool_calls: toolCalls.map((call) => ({
            id: call.id,
            type: 'function',
            function: { name: call.name, arguments: call.arguments },
          })),
        });
        break;
      }
      case 'tool':
        // Chat Completions has no error flag on tool results; the content itself must say so.
        messages.push({ role: 'tool', tool_call_id: message.toolCallId, content: message.content });
        break;
      default: {
        const unreachable: never = message;
        throw new Error(`unknown message role ${JSON.stringify(unreachable)}`);
      }
    }
  }
  return messages;
}

function convertUserPart(options: {
  provider: ProviderName;
  request: ChatRequest;
  part: TextPart | ImagePart;
}): ChatCompletionContentPart {
  const { part } = options;
  switch (part.type) {
    case 'text':
      return { type: 'text', text: part.text };
    case 'image': {
      const url =
        part.url ??
        (part.data !== undefined
          ? `data:${part.mediaType ?? 'image/png'};base64,${part.data}`
          : undefined);
      if (url === undefined) {
        throw createProviderError({
          provider: options.provider,
          kind: 'invalid_request',
          model: options.request.model,
          detail: 'an image part needs either a url or base64 data',
        });
      }
      return { type: 'image_url', image_url: { url } };
    }
    default: {
      const unreachable: never = part;
      throw new Error(`unknown content part ${JSON.stringify(unreachable)}`);
    }
  }
}
