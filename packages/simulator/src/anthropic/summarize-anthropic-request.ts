import { asArray, asNumber, asRecord, asString } from '../core/json-value.js';
import type { RequestSummary, SimRequest } from '../types.js';
import { anthropicCacheBreakpoints } from './anthropic-cache-breakpoints.js';

/** Text of a `content` field: a string, or the text inside an array of blocks. */
function blockText(content: unknown): string {
  if (typeof content === 'string') {
    return content;
  }
  const pieces: string[] = [];
  for (const item of asArray(content)) {
    const block = asRecord(item);
    const text = asString(block?.text);
    if (text !== undefined) {
      pieces.push(text);
    }
  }
  return pieces.join('\n');
}

/** Everything in a block that counts as prompt: text, tool inputs, tool results. */
function promptTextOfBlock(item: unknown): string {
  if (typeof item === 'string') {
    return item;
  }
  const block = asRecord(item);
  switch (asString(block?.type)) {
    case 'text':
      return asString(block?.text) ?? '';
    case 'tool_use':
      return `${asString(block?.name) ?? ''} ${JSON.stringify(block?.input ?? {})}`;
    case 'tool_result':
      return blockText(block?.content);
    case 'thinking':
      return asString(block?.thinking) ?? '';
    default:
      // Images and documents count toward the prompt in the real API too, but the simulator has
      // no tokenizer for them; a fixed share keeps estimates honest without decoding base64.
      return block === undefined ? '' : ' '.repeat(64);
  }
}

function promptTextOfContent(content: unknown): string {
  return typeof content === 'string' ? content : asArray(content).map(promptTextOfBlock).join('\n');
}

function toolResults(message: Record<string, unknown> | undefined): unknown[] {
  if (message?.role !== 'user') {
    return [];
  }
  return asArray(message.content).filter((block) => asRecord(block)?.type === 'tool_result');
}

/** Text a user typed in the last user turn; tool results only when there is no typed text. */
function lastUserText(messages: Array<Record<string, unknown> | undefined>): string {
  const last = [...messages].reverse().find((message) => message?.role === 'user');
  if (last === undefined) {
    return '';
  }
  const typed = blockText(last.content);
  if (typed !== '') {
    return typed;
  }
  return asArray(last.content)
    .map((block) => blockText(asRecord(block)?.content))
    .join('\n');
}

function toolChoice(value: unknown): RequestSummary['toolChoice'] {
  const choice = asRecord(value);
  switch (asString(choice?.type)) {
    case 'any':
      return 'required';
    case 'none':
      return 'none';
    case 'tool': {
      const name = asString(choice?.name);
      return name === undefined ? 'required' : { name };
    }
    default:
      return 'auto';
  }
}

/**
 * Normalises a Messages (or count_tokens) body. Anthropic has no JSON mode: clients force a single
 * tool (`tool_choice: {type:"tool"}`) instead, so the summary reports that forced tool and the core
 * plans a tool call, which is exactly what the real model returns.
 */
export function summarizeAnthropicRequest(request: SimRequest): RequestSummary {
  const body = asRecord(request.body) ?? {};
  const messages = asArray(body.messages).map(asRecord);
  const tools = asArray(body.tools)
    .map(asRecord)
    .flatMap((tool) => {
      const name = asString(tool?.name);
      return name === undefined ? [] : [{ name, parameters: tool?.input_schema ?? {} }];
    });
  const promptParts = [promptTextOfContent(body.system)];
  for (const message of messages) {
    promptParts.push(promptTextOfContent(message?.content));
  }
  for (const tool of asArray(body.tools).map(asRecord)) {
    promptParts.push(
      `${asString(tool?.name) ?? ''} ${asString(tool?.description) ?? ''} ${JSON.stringify(tool?.input_schema ?? {})}`,
    );
  }
  const maxTokens = asNumber(body.max_tokens);
  const lastToolResults = toolResults(messages.at(-1));
  const cacheBreakpoints = anthropicCacheBreakpoints({ body, textOfBlock: promptTextOfBlock });
  return {
    lastUserText: lastUserText(messages),
    promptText: promptParts.filter((part) => part !== '').join('\n'),
    messageCount: messages.length,
    lastIsToolResult: lastToolResults.length > 0,
    ...(lastToolResults.length > 0
      ? { lastToolResultText: lastToolResults.map(promptTextOfBlock).join('\n') }
      : {}),
    tools,
    toolChoice: toolChoice(body.tool_choice),
    responseFormat: { type: 'text' },
    ...(maxTokens === undefined ? {} : { maxTokens }),
    stop: asArray(body.stop_sequences).flatMap((stop) => (typeof stop === 'string' ? [stop] : [])),
    choices: 1,
    embeddingInputs: [],
    ...(cacheBreakpoints !== undefined && { cacheBreakpoints }),
  };
}
