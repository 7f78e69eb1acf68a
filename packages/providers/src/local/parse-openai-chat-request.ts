import type {
  ChatMessage,
  ChatRequest,
  ResponseFormat,
  ToolCall,
  ToolChoice,
  ToolDefinition,
} from '@catalyst/spec';

/** A Chat Completions body read into a Catalyst request, plus the streaming switches. */
export interface ParsedOpenAIChatRequest {
  request: ChatRequest;
  stream: boolean;
  includeUsage: boolean;
}

/** Thrown for a body that does not follow the Chat Completions API; `param` names the field. */
export class OpenAIRequestError extends Error {
  readonly param: string | null;
  constructor(message: string, param: string | null = null) {
    super(message);
    this.name = 'OpenAIRequestError';
    this.param = param;
  }
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalNumber(body: JsonObject, key: string): number | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new OpenAIRequestError(`${key} must be a number.`, key);
  }
  return value;
}

function contentText(content: unknown, param: string): string {
  if (content === undefined || content === null) return '';
  if (typeof content === 'string') return content;
  if (!Array.isArray(content))
    throw new OpenAIRequestError(`${param} must be a string or an array of parts.`, param);
  return content
    .map((part, index) => {
      if (isObject(part) && part.type === 'text' && typeof part.text === 'string') return part.text;
      throw new OpenAIRequestError(
        `${param}[${index}]: only text parts are accepted.`,
        `${param}[${index}]`,
      );
    })
    .join('\n');
}

function parseToolCalls(value: unknown, param: string): ToolCall[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new OpenAIRequestError(`${param} must be an array.`, param);
  return value.map((call, index) => {
    const fn = isObject(call) ? call.function : undefined;
    if (
      !isObject(call) ||
      typeof call.id !== 'string' ||
      !isObject(fn) ||
      typeof fn.name !== 'string'
    ) {
      throw new OpenAIRequestError(
        `${param}[${index}] needs id and function.name.`,
        `${param}[${index}]`,
      );
    }
    const argumentsText = typeof fn.arguments === 'string' ? fn.arguments : '{}';
    let input: unknown;
    try {
      input = JSON.parse(argumentsText);
    } catch {
      input = undefined;
    }
    return { id: call.id, name: fn.name, arguments: argumentsText, input };
  });
}

function parseMessages(value: unknown): ChatMessage[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new OpenAIRequestError('messages must be a non-empty array.', 'messages');
  }
  const toolNames = new Map<string, string>();
  return value.map((message, index): ChatMessage => {
    const param = `messages[${index}]`;
    if (!isObject(message)) throw new OpenAIRequestError(`${param} must be an object.`, param);
    switch (message.role) {
      case 'system':
      case 'developer':
        return { role: 'system', content: contentText(message.content, `${param}.content`) };
      case 'user':
        return { role: 'user', content: contentText(message.content, `${param}.content`) };
      case 'assistant': {
        const toolCalls = parseToolCalls(message.tool_calls, `${param}.tool_calls`);
        for (const call of toolCalls ?? []) toolNames.set(call.id, call.name);
        return {
          role: 'assistant',
          content: contentText(message.content, `${param}.content`),
          ...(toolCalls && { toolCalls }),
        };
      }
      case 'tool': {
        if (typeof message.tool_call_id !== 'string') {
          throw new OpenAIRequestError(
            `${param}.tool_call_id is required.`,
            `${param}.tool_call_id`,
          );
        }
        return {
          role: 'tool',
          toolCallId: message.tool_call_id,
          toolName: toolNames.get(message.tool_call_id) ?? 'tool',
          content: contentText(message.content, `${param}.content`),
        };
      }
      default:
        throw new OpenAIRequestError(
          `${param}.role must be system, developer, user, assistant or tool.`,
          `${param}.role`,
        );
    }
  });
}

function parseTools(value: unknown): ToolDefinition[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new OpenAIRequestError('tools must be an array.', 'tools');
  return value.map((tool, index) => {
    const fn = isObject(tool) ? tool.function : undefined;
    if (
      !isObject(tool) ||
      tool.type !== 'function' ||
      !isObject(fn) ||
      typeof fn.name !== 'string'
    ) {
      throw new OpenAIRequestError(
        `tools[${index}] must be a function tool with a name.`,
        `tools[${index}]`,
      );
    }
    return {
      name: fn.name,
      ...(typeof fn.description === 'string' && { description: fn.description }),
      parameters: isObject(fn.parameters) ? fn.parameters : { type: 'object', properties: {} },
    };
  });
}

function parseToolChoice(value: unknown): ToolChoice | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === 'auto' || value === 'none' || value === 'required') return value;
  if (isObject(value) && isObject(value.function) && typeof value.function.name === 'string') {
    return { name: value.function.name };
  }
  throw new OpenAIRequestError(
    'tool_choice must be auto, none, required or a named function.',
    'tool_choice',
  );
}

function parseResponseFormat(value: unknown): ResponseFormat | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value))
    throw new OpenAIRequestError('response_format must be an object.', 'response_format');
  switch (value.type) {
    case 'text':
      return { type: 'text' };
    case 'json_object':
      return { type: 'json_object' };
    case 'json_schema': {
      const schema = value.json_schema;
      if (!isObject(schema) || typeof schema.name !== 'string' || !isObject(schema.schema)) {
        throw new OpenAIRequestError(
          'response_format.json_schema needs name and schema.',
          'response_format.json_schema',
        );
      }
      return {
        type: 'json_schema',
        name: schema.name,
        schema: schema.schema,
        ...(typeof schema.strict === 'boolean' && { strict: schema.strict }),
      };
    }
    default:
      throw new OpenAIRequestError(
        'response_format.type must be text, json_object or json_schema.',
        'response_format.type',
      );
  }
}

function parseStop(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((stop) => typeof stop === 'string')) return value;
  throw new OpenAIRequestError('stop must be a string or an array of strings.', 'stop');
}

/** Reads a Chat Completions request body; throws `OpenAIRequestError` on anything malformed. */
export function parseOpenAIChatRequest(
  body: unknown,
  signal: AbortSignal,
): ParsedOpenAIChatRequest {
  if (!isObject(body)) throw new OpenAIRequestError('The body must be a JSON object.');
  if (typeof body.model !== 'string') throw new OpenAIRequestError('model is required.', 'model');
  const n = optionalNumber(body, 'n');
  if (n !== undefined && n !== 1)
    throw new OpenAIRequestError('Catalyst returns one choice; n must be 1.', 'n');
  const maxTokens =
    optionalNumber(body, 'max_completion_tokens') ?? optionalNumber(body, 'max_tokens');
  const temperature = optionalNumber(body, 'temperature');
  const topP = optionalNumber(body, 'top_p');
  const seed = optionalNumber(body, 'seed');
  const stop = parseStop(body.stop);
  const tools = parseTools(body.tools);
  const toolChoice = parseToolChoice(body.tool_choice);
  const responseFormat = parseResponseFormat(body.response_format);
  const request: ChatRequest = {
    model: body.model,
    messages: parseMessages(body.messages),
    signal,
    ...(maxTokens !== undefined && { maxTokens }),
    ...(temperature !== undefined && { temperature }),
    ...(topP !== undefined && { topP }),
    ...(seed !== undefined && { seed }),
    ...(stop && { stop }),
    ...(tools && { tools }),
    ...(toolChoice && { toolChoice }),
    ...(responseFormat && { responseFormat }),
  };
  const streamOptions = body.stream_options;
  return {
    request,
    stream: body.stream === true,
    includeUsage: isObject(streamOptions) && streamOptions.include_usage === true,
  };
}
