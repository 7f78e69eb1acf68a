import type { ChatMessage, ChatRequest, UserContent } from '@catalyst/spec';
import type { ChatHistoryItem, ChatModelFunctionCall, ChatModelResponse } from 'node-llama-cpp';
import { localError } from './local-error.js';

/**
 * Maps a request's conversation to node-llama-cpp's chat history, which the model's chat
 * template (the chat wrapper) renders. The history always ends with a model turn: an empty one
 * asks for a new reply, a non-empty trailing assistant message is continued (prefill).
 *
 * Tool calls become function-call items with the matching tool results attached, which is how
 * node-llama-cpp renders a call and its result in the prompt. Images are refused: the embedded
 * model reads text only.
 */
export function convertToLlamaChatHistory(request: ChatRequest): ChatHistoryItem[] {
  const messages: ChatMessage[] = [];
  if (request.system !== undefined) messages.push({ role: 'system', content: request.system });
  messages.push(...request.messages);
  if (request.prompt !== undefined) messages.push({ role: 'user', content: request.prompt });

  const history: ChatHistoryItem[] = [];
  const callsById = new Map<string, ChatModelFunctionCall>();
  for (const message of messages) {
    switch (message.role) {
      case 'system':
        history.push({ type: 'system', text: message.content });
        break;
      case 'user':
        history.push({ type: 'user', text: userText(message.content) });
        break;
      case 'assistant': {
        const turn = currentModelTurn(history);
        if (message.content) turn.response.push(message.content);
        for (const toolCall of message.toolCalls ?? []) {
          const call: ChatModelFunctionCall = {
            type: 'functionCall',
            name: toolCall.name,
            params: toolCall.input ?? parseJson(toolCall.arguments),
            result: undefined,
          };
          callsById.set(toolCall.id, call);
          turn.response.push(call);
        }
        break;
      }
      case 'tool': {
        const call = callsById.get(message.toolCallId);
        const result = message.isError
          ? { error: message.content }
          : (parseJson(message.content) ?? message.content);
        if (call) call.result = result;
        // A result for a call this conversation never made still reaches the model, as text.
        else
          history.push({ type: 'user', text: `Result of ${message.toolName}: ${message.content}` });
        break;
      }
      default: {
        const unreachable: never = message;
        throw localError(
          'invalid_request',
          `Unknown message role in ${JSON.stringify(unreachable)}`,
        );
      }
    }
  }
  const last = history.at(-1);
  if (last?.type !== 'model') history.push({ type: 'model', response: [] });
  return history;
}

/** The model turn to append to: the last item when it is one (text after tool results), else a new one. */
function currentModelTurn(history: ChatHistoryItem[]): ChatModelResponse {
  const last = history.at(-1);
  if (last?.type === 'model') return last;
  const turn: ChatModelResponse = { type: 'model', response: [] };
  history.push(turn);
  return turn;
}

function userText(content: UserContent): string {
  if (typeof content === 'string') return content;
  const texts: string[] = [];
  for (const part of content) {
    if (part.type === 'image') {
      throw localError(
        'invalid_request',
        'The local model reads text only; remove the image parts or use a vision-capable provider.',
      );
    }
    texts.push(part.text);
  }
  return texts.join('\n');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
