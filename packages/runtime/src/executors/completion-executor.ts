import type {
  ChatMessage,
  ChatRequest,
  ChatResult,
  JsonValue,
  ResponseFormat,
  ToolChoice,
  ToolDefinition,
} from '@catalyst/spec';
import { NodeFailure } from '../node-failure.js';
import { renderTemplateText } from '../render-config-value.js';
import type { NodeExecutionContext, NodeExecutor } from './node-executor.js';

/**
 * Every `…Completion` node: builds one chat request from the config (or the upstream prompt),
 * streams it, forwards each token as it arrives, and outputs the assembled result. When the
 * model called a tool and the node has a `function_call` branch, only that branch runs.
 */
export const executeCompletion: NodeExecutor = async (context) => {
  const { node, definition, config, signal } = context;
  const providerName = definition.provider;
  if (!providerName) throw new Error(`node type ${definition.type} has no provider`);
  const request = buildRequest(context);
  const streamTokens = config.stream !== false;

  let result: ChatResult | undefined;
  for await (const event of context.providers(providerName).stream({ ...request, signal })) {
    switch (event.type) {
      case 'token':
        if (streamTokens) context.emit({ type: 'token', node: node.id, text: event.text });
        break;
      case 'done': {
        const { type: _type, ...done } = event;
        result = done;
        break;
      }
      case 'error':
        throw new NodeFailure({
          node: node.id,
          kind: event.error.kind,
          message: event.error.message,
          retryable: event.error.retryable,
        });
      case 'tool-call-delta':
      case 'tool-call':
      case 'retry':
        break;
      default: {
        const unreachable: never = event;
        throw new Error(`unknown stream event ${JSON.stringify(unreachable)}`);
      }
    }
  }
  if (!result) throw new Error(`provider stream for node ${node.id} ended without a result`);

  const output = completionOutput(result, request.responseFormat?.type);

  const calledTool = result.toolCalls.length > 0 && context.hasOutgoing('function_call');
  return {
    output,
    activeHandles: calledTool ? ['function_call'] : ['output', 'stream'],
    usage: {
      provider: result.provider,
      model: result.model,
      usage: result.usage,
      cost: result.cost,
    },
    text: result.text,
  };
};

interface ConfigMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** The chat request a completion node (or a router, model aside) sends, without its signal. */
export function buildRequest(context: NodeExecutionContext): Omit<ChatRequest, 'signal'> {
  const { config, node, scope } = context;
  const render = (field: string, text: string) =>
    renderTemplateText({ node: node.id, field, text, scope });
  const messages: ChatMessage[] = [];
  let system: string | undefined;

  if (Array.isArray(config.messages)) {
    (config.messages as unknown as ConfigMessage[]).forEach((message, index) => {
      messages.push({
        role: message.role,
        content: render(`messages[${index}].content`, message.content),
      });
    });
  }
  if (typeof config.prompt === 'string') {
    messages.push({ role: 'user', content: render('prompt', config.prompt) });
  }
  if (messages.length === 0) {
    // No prompt in the config: take the upstream prompt template's messages, or the text of an
    // upstream completion (a chain), in edge order.
    for (const upstream of context.upstream) {
      const value = upstream.output;
      if (value === null || typeof value !== 'object' || Array.isArray(value)) continue;
      if (Array.isArray(value.messages)) {
        for (const message of value.messages as unknown as ConfigMessage[]) {
          messages.push({ role: message.role, content: message.content });
        }
        if (typeof value.system === 'string') system = value.system;
        break;
      }
      if (typeof value.text === 'string') {
        messages.push({ role: 'user', content: value.text });
        break;
      }
    }
  }
  if (messages.length === 0) {
    throw new NodeFailure({
      node: node.id,
      kind: 'validation',
      message: `node "${node.id}" has nothing to send: set "prompt" or "messages", or connect a promptTemplate to its input`,
    });
  }
  if (typeof config.system === 'string') system = render('system', config.system);

  const request: Omit<ChatRequest, 'signal'> = { model: String(config.model), messages };
  if (system !== undefined) request.system = system;
  if (typeof config.temperature === 'number') request.temperature = config.temperature;
  if (typeof config.maxTokens === 'number') request.maxTokens = config.maxTokens;
  if (Array.isArray(config.stop)) request.stop = config.stop as string[];
  if (Array.isArray(config.tools)) request.tools = config.tools as unknown as ToolDefinition[];
  if (config.toolChoice !== undefined) request.toolChoice = config.toolChoice as ToolChoice;
  const responseFormat = toResponseFormat(config.responseFormat);
  if (responseFormat) request.responseFormat = responseFormat;
  // `timeoutMs` is per attempt, as documented: a timed-out attempt with no token yet is retried.
  if (typeof config.timeoutMs === 'number') request.attemptTimeoutMs = config.timeoutMs;
  if (typeof config.firstTokenTimeoutMs === 'number') {
    request.firstTokenTimeoutMs = config.firstTokenTimeoutMs;
  }
  if (typeof config.idleTimeoutMs === 'number') request.idleTimeoutMs = config.idleTimeoutMs;
  if (typeof config.maxRetries === 'number') request.maxRetries = config.maxRetries;
  return request;
}

function toResponseFormat(value: JsonValue | undefined): ResponseFormat | undefined {
  if (value === undefined || value === 'text') return undefined;
  if (value === 'json_object') return { type: 'json_object' };
  if (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    value.type === 'json_schema'
  ) {
    return value as unknown as ResponseFormat;
  }
  return undefined;
}

/**
 * A completion's node output (text, json, toolCalls, finishReason, provider, model, usage, cost),
 * shared by completion and router nodes.
 */
export function completionOutput(
  result: ChatResult,
  responseType: string | undefined,
): Record<string, JsonValue> {
  const output: Record<string, JsonValue> = { text: result.text };
  if (responseType !== undefined && responseType !== 'text') {
    output.json = (result.json ?? null) as JsonValue;
  }
  output.toolCalls = result.toolCalls.map((call) => ({
    id: call.id,
    name: call.name,
    arguments: (call.input ?? null) as JsonValue,
  }));
  output.finishReason = result.finishReason;
  output.provider = result.provider;
  output.model = result.model;
  output.usage = { ...result.usage };
  output.cost = result.cost ? { ...result.cost } : null;
  return output;
}
