import type {
  ContentBlockParam,
  ImageBlockParam,
  MessageParam,
} from '@anthropic-ai/sdk/resources/messages';
import type { ImagePart, TextPart } from '@catalyst/spec';
import type { NormalizedConversation } from '../shared/normalize-messages.js';
import { parseJson } from '../shared/stream-state.js';

type AnthropicImageMediaType = Extract<ImageBlockParam['source'], { type: 'base64' }>['media_type'];

/**
 * Maps the conversation (system text already split out by `normalizeMessages`) to Anthropic
 * `messages`. Anthropic has only `user` and `assistant` turns: tool results travel as
 * `tool_result` blocks in a user turn, and consecutive user-side messages are merged into one
 * turn so that every tool result answering a parallel call sits in the same message, first.
 * A message whose index is in `cacheBreakpoints` gets `cache_control` on its last block, which
 * ends the cached prefix right after it even when its turn is merged with the next message.
 */
export function convertToAnthropicMessages(
  messages: NormalizedConversation['messages'],
  options: { cacheBreakpoints?: ReadonlySet<number> } = {},
): MessageParam[] {
  const result: Array<{ role: 'user' | 'assistant'; content: ContentBlockParam[] }> = [];
  let index = -1;
  const append = (role: 'user' | 'assistant', blocks: ContentBlockParam[]) => {
    if (blocks.length === 0) return;
    const lastBlock = blocks.at(-1);
    // The blocks built here (text, image, tool use, tool result) all take `cache_control`.
    if (lastBlock && options.cacheBreakpoints?.has(index)) {
      blocks[blocks.length - 1] = {
        ...lastBlock,
        cache_control: { type: 'ephemeral' },
      } as ContentBlockParam;
    }
    const last = result.at(-1);
    if (last?.role === role) last.content.push(...blocks);
    else result.push({ role, content: blocks });
  };

  for (const message of messages) {
    index += 1;
    switch (message.role) {
      case 'user':
        append(
          'user',
          typeof message.content === 'string'
            ? [{ type: 'text', text: message.content }]
            : message.content.map(convertUserPart),
        );
        break;
      case 'assistant': {
        const blocks: ContentBlockParam[] = [];
        // Anthropic rejects empty text blocks, which an assistant turn with only tool calls has.
        if (message.content !== '') blocks.push({ type: 'text', text: message.content });
        for (const toolCall of message.toolCalls ?? []) {
          blocks.push({
            type: 'tool_use',
            id: toolCall.id,
            name: toolCall.name,
            input: toolCall.input ?? parseJson(toolCall.arguments) ?? {},
          });
        }
        append('assistant', blocks);
        break;
      }
      case 'tool':
        append('user', [
          {
            type: 'tool_result',
            tool_use_id: message.toolCallId,
            content: message.content,
            ...(message.isError === true && { is_error: true }),
          },
        ]);
        break;
      default: {
        const unreachable: never = message;
        throw new Error(`unknown message role ${JSON.stringify(unreachable)}`);
      }
    }
  }
  return result;
}

function convertUserPart(part: TextPart | ImagePart): ContentBlockParam {
  switch (part.type) {
    case 'text':
      return { type: 'text', text: part.text };
    case 'image':
      return { type: 'image', source: imageSource(part) };
    default: {
      const unreachable: never = part;
      throw new Error(`unknown content part ${JSON.stringify(unreachable)}`);
    }
  }
}

function imageSource(part: ImagePart): ImageBlockParam['source'] {
  if (part.data !== undefined) {
    return {
      type: 'base64',
      media_type: (part.mediaType ?? 'image/png') as AnthropicImageMediaType,
      data: part.data,
    };
  }
  const url = part.url ?? '';
  // Anthropic fetches only http(s) URLs; a data: URL must be sent as base64.
  const dataUrl = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (dataUrl) {
    return {
      type: 'base64',
      media_type: (dataUrl[1] ?? 'image/png') as AnthropicImageMediaType,
      data: dataUrl[2] ?? '',
    };
  }
  return { type: 'url', url };
}
