import type { RequestSummary, SimRequest } from '../types.js';

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Text of a message `content`: a string, or the text parts of a parts array. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) => (isObject(part) && typeof part.text === 'string' ? part.text : ''))
    .filter((text) => text.length > 0)
    .join('\n');
}

function readTools(body: JsonObject): RequestSummary['tools'] {
  if (Array.isArray(body.tools)) {
    return body.tools.flatMap((tool) => {
      const fn = isObject(tool) && isObject(tool.function) ? tool.function : undefined;
      return fn && typeof fn.name === 'string'
        ? [{ name: fn.name, parameters: fn.parameters }]
        : [];
    });
  }
  // The deprecated `functions` list carries the same name + parameters directly.
  if (Array.isArray(body.functions)) {
    return body.functions.flatMap((fn) =>
      isObject(fn) && typeof fn.name === 'string'
        ? [{ name: fn.name, parameters: fn.parameters }]
        : [],
    );
  }
  return [];
}

function readToolChoice(body: JsonObject): RequestSummary['toolChoice'] {
  const choice = body.tool_choice ?? body.function_call;
  if (choice === 'none' || choice === 'required' || choice === 'auto') return choice;
  if (isObject(choice)) {
    const name = isObject(choice.function) ? choice.function.name : choice.name;
    if (typeof name === 'string') return { name };
  }
  return 'auto';
}

function readResponseFormat(body: JsonObject): RequestSummary['responseFormat'] {
  const format = body.response_format;
  if (!isObject(format)) return { type: 'text' };
  if (format.type === 'json_object') return { type: 'json_object' };
  if (format.type === 'json_schema') {
    const schema = isObject(format.json_schema) ? format.json_schema.schema : undefined;
    return { type: 'json_schema', schema: schema ?? {} };
  }
  return { type: 'text' };
}

function readStop(stop: unknown): string[] {
  if (typeof stop === 'string') return [stop];
  return Array.isArray(stop) ? stop.filter((item): item is string => typeof item === 'string') : [];
}

function embeddingInputs(input: unknown): string[] {
  if (typeof input === 'string') return [input];
  if (!Array.isArray(input)) return [];
  if (input.every((item) => typeof item === 'number')) return [input.join(' ')];
  return input.map((item) => (Array.isArray(item) ? item.join(' ') : String(item)));
}

/** Normalises an OpenAI-style chat or embeddings body for the core's planner. */
export function summarizeOpenAiRequest(request: SimRequest): RequestSummary {
  const body = isObject(request.body) ? request.body : {};
  const messages = Array.isArray(body.messages) ? body.messages.filter(isObject) : [];
  const lastUser = [...messages].reverse().find((message) => message.role === 'user');
  const last = messages.at(-1);
  const lastIsToolResult = last?.role === 'tool' || last?.role === 'function';
  const tools = readTools(body);
  const promptText = [
    ...messages.map((message) => {
      const calls = Array.isArray(message.tool_calls) ? JSON.stringify(message.tool_calls) : '';
      return `${contentText(message.content)}${calls}`;
    }),
    tools.length > 0 ? JSON.stringify(tools) : '',
  ].join('\n');
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  return {
    lastUserText: lastUser ? contentText(lastUser.content) : '',
    promptText:
      request.operation === 'embeddings' ? embeddingInputs(body.input).join('\n') : promptText,
    messageCount: messages.length,
    lastIsToolResult,
    ...(lastIsToolResult && last ? { lastToolResultText: contentText(last.content) } : {}),
    tools,
    toolChoice: readToolChoice(body),
    responseFormat: readResponseFormat(body),
    ...(typeof maxTokens === 'number' ? { maxTokens } : {}),
    stop: readStop(body.stop),
    choices: typeof body.n === 'number' && body.n > 1 ? Math.floor(body.n) : 1,
    embeddingInputs: embeddingInputs(body.input),
  };
}

/** Whether the request uses the deprecated `functions` API (answered with `function_call`). */
export function usesLegacyFunctions(request: SimRequest): boolean {
  const body = isObject(request.body) ? request.body : {};
  return Array.isArray(body.functions) && !Array.isArray(body.tools);
}

/** Whether a stream request asked for the final usage chunk. */
export function includeUsage(request: SimRequest): boolean {
  const body = isObject(request.body) ? request.body : {};
  return isObject(body.stream_options) && body.stream_options.include_usage === true;
}
