import type { ImagePart, TextPart } from '@catalyst/spec';
import type { Content, Part } from '@google/genai';
import type { NormalizedConversation } from '../shared/normalize-messages.js';
import { parseJson } from '../shared/stream-state.js';

/**
 * Maps the conversation (system text already split out by `normalizeMessages`) to Gemini
 * `contents`. Gemini has only `user` and `model` roles: tool results travel as
 * `functionResponse` parts in a user turn, matched by function name, and consecutive turns of
 * one role are merged so the responses to parallel calls arrive together.
 */
export function convertToGeminiMessages(messages: NormalizedConversation['messages']): Content[] {
  const contents: Array<Content & { parts: Part[] }> = [];
  const append = (role: 'user' | 'model', parts: Part[]) => {
    if (parts.length === 0) return;
    const last = contents.at(-1);
    if (last?.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };

  for (const message of messages) {
    switch (message.role) {
      case 'user':
        append(
          'user',
          typeof message.content === 'string'
            ? [{ text: message.content }]
            : message.content.map(convertUserPart),
        );
        break;
      case 'assistant': {
        const parts: Part[] = message.content === '' ? [] : [{ text: message.content }];
        for (const toolCall of message.toolCalls ?? []) {
          parts.push({
            functionCall: {
              name: toolCall.name,
              args: asArguments(toolCall.input, toolCall.arguments),
            },
          });
        }
        append('model', parts);
        break;
      }
      case 'tool':
        append('user', [
          {
            functionResponse: {
              name: message.toolName,
              response: functionResponse(message.content, message.isError === true),
            },
          },
        ]);
        break;
      default: {
        const unreachable: never = message;
        throw new Error(`unknown message role ${JSON.stringify(unreachable)}`);
      }
    }
  }
  return contents;
}

function convertUserPart(part: TextPart | ImagePart): Part {
  switch (part.type) {
    case 'text':
      return { text: part.text };
    case 'image':
      return imagePart(part);
    default: {
      const unreachable: never = part;
      throw new Error(`unknown content part ${JSON.stringify(unreachable)}`);
    }
  }
}

function imagePart(part: ImagePart): Part {
  if (part.data !== undefined) {
    return { inlineData: { mimeType: part.mediaType ?? 'image/png', data: part.data } };
  }
  const url = part.url ?? '';
  const dataUrl = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (dataUrl) {
    return { inlineData: { mimeType: dataUrl[1] ?? 'image/png', data: dataUrl[2] ?? '' } };
  }
  // fileData requires a MIME type; guess it from the extension when the caller gave none.
  return { fileData: { fileUri: url, mimeType: part.mediaType ?? mimeTypeFromUrl(url) } };
}

function mimeTypeFromUrl(url: string): string {
  const extension = /\.([a-z0-9]+)(?:[?#]|$)/i.exec(url)?.[1]?.toLowerCase();
  switch (extension) {
    case 'png':
      return 'image/png';
    case 'gif':
      return 'image/gif';
    case 'webp':
      return 'image/webp';
    case 'heic':
      return 'image/heic';
    default:
      return 'image/jpeg';
  }
}

function asArguments(input: unknown, argumentsText: string): Record<string, unknown> {
  const value = input ?? parseJson(argumentsText);
  return isRecord(value) ? value : {};
}

/**
 * Gemini wants the response as a JSON object. A tool that returned an object is passed as it
 * is; anything else is wrapped (`output` / `error`, the names Google's own docs use).
 */
function functionResponse(content: string, isError: boolean): Record<string, unknown> {
  const parsed = parseJson(content);
  if (!isError && isRecord(parsed)) return parsed;
  return isError ? { error: parsed ?? content } : { output: parsed ?? content };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
