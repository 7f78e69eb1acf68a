import type {
  ChatMessage,
  ChatRequest,
  ChatResult,
  JsonValue,
  NodeUsage,
  ProviderErrorInfo,
  ResponseFormat,
  StreamEvent,
  Usage,
  WorkflowEvent,
} from '@catalyst/spec';
import type {
  ChatRequestConfig,
  CompletionNodeConfig,
  ConfigResponseFormat,
  TemplateMessage,
} from '@catalyst/workflow';
import { NodeFailure } from '../node-failure.js';
import { renderTemplateText } from '../render-config-value.js';
import type { NodeExecutionContext, NodeExecutor, NodeResult } from './node-executor.js';

/**
 * Every `…Completion` node: builds one chat request from the config (or the upstream prompt),
 * streams it, forwards each token as it arrives, and outputs the assembled result. When the
 * model called a tool and the node has a `function_call` branch, only that branch runs.
 */
export const executeCompletion: NodeExecutor<CompletionNodeConfig> = async (context) => {
  const { node, definition, config, signal } = context;
  const providerName = definition.provider;
  if (!providerName) throw new Error(`node type ${definition.type} has no provider`);
  const request = buildRequest(context);
  const streamed = await consumeCompletionStream({
    events: context.providers(providerName).stream({ ...request, signal }),
    node: node.id,
    streamTokens: config.stream !== false,
    emit: context.emit,
  });
  if (streamed.failure) {
    const { error } = streamed.failure;
    throw new NodeFailure({
      node: node.id,
      kind: error.kind,
      message: error.message,
      retryable: error.retryable,
    });
  }
  const { result } = streamed;
  if (!result) throw new Error(`provider stream for node ${node.id} ended without a result`);
  return completionResult({
    context,
    result,
    output: completionOutput(result, request.responseFormat?.type),
    usage: {
      provider: result.provider,
      model: result.model,
      usage: result.usage,
      cost: result.cost,
    },
  });
};

/** What one provider stream came to: its result or its error, and what was sent meanwhile. */
export interface StreamedCompletion {
  /** Set when the stream ended with `done`. */
  result?: ChatResult;
  /** Set when the stream ended with `error`. */
  failure?: { error: ProviderErrorInfo; usage: Usage };
  /** Token events forwarded to the client. */
  tokens: number;
  /** Token events the provider sent, forwarded or not: what a cut attempt was billed for. */
  received: number;
  /** `tool-call-delta` events forwarded to the client. */
  toolCallDeltas: number;
  /** Time to the first token or tool-call delta, when a clock was given and one arrived. */
  ttftMs?: number;
}

/** A clock and the time the request started on it, to measure time to first token. */
export interface StreamClock {
  now: () => number;
  startedAt: number;
}

/**
 * Reads one provider stream to its end, forwarding each token as a `token` event of `node` and
 * each tool-call fragment as a `tool-call-delta` event (unless `streamTokens` is false); with a clock, measures the time to the first token. Shared by
 * completion and router nodes.
 */
export async function consumeCompletionStream(options: {
  events: AsyncIterable<StreamEvent>;
  node: string;
  streamTokens: boolean;
  emit: (event: WorkflowEvent) => void;
  clock?: StreamClock;
}): Promise<StreamedCompletion> {
  const { clock } = options;
  const firstToken = () => (clock ? clock.now() - clock.startedAt : undefined);
  const streamed: StreamedCompletion = { tokens: 0, received: 0, toolCallDeltas: 0 };
  for await (const event of options.events) {
    switch (event.type) {
      case 'token':
        streamed.ttftMs ??= firstToken();
        streamed.received += 1;
        if (options.streamTokens) {
          streamed.tokens += 1;
          options.emit({ type: 'token', node: options.node, text: event.text });
        }
        break;
      case 'tool-call-delta':
        streamed.ttftMs ??= firstToken();
        if (options.streamTokens) {
          streamed.toolCallDeltas += 1;
          options.emit({
            type: 'tool-call-delta',
            node: options.node,
            index: event.index,
            ...(event.id !== undefined && { id: event.id }),
            ...(event.name !== undefined && { name: event.name }),
            argumentsDelta: event.argumentsDelta,
          });
        }
        break;
      case 'done': {
        const { type: _type, ...done } = event;
        streamed.result = done;
        break;
      }
      case 'error':
        streamed.failure = { error: event.error, usage: event.usage };
        break;
      case 'tool-call':
      case 'retry':
        break;
      default: {
        const unreachable: never = event;
        throw new Error(`unknown stream event ${JSON.stringify(unreachable)}`);
      }
    }
  }
  return streamed;
}

/**
 * A completion or router node's result: the `function_call` branch alone when the model called a
 * tool and the node has one, else `output` and `stream`.
 */
export function completionResult(options: {
  context: NodeExecutionContext<unknown>;
  result: ChatResult;
  output: JsonValue;
  usage: NodeUsage;
}): NodeResult {
  const { context, result } = options;
  const calledTool = result.toolCalls.length > 0 && context.hasOutgoing('function_call');
  return {
    output: options.output,
    activeHandles: calledTool ? ['function_call'] : ['output', 'stream'],
    usage: options.usage,
    text: result.text,
    ...(result.warnings !== undefined &&
      result.warnings.length > 0 && { warnings: result.warnings }),
  };
}

/** The config a request is built from: a completion's, or a router's (which has no model). */
type RequestConfig = ChatRequestConfig & { model?: string };

/** The chat request a completion node (or a router, model aside) sends, without its signal. */
export function buildRequest(
  context: NodeExecutionContext<RequestConfig>,
): Omit<ChatRequest, 'signal'> {
  const { config, node, scope } = context;
  const render = (field: string, text: string) =>
    renderTemplateText({ node: node.id, field, text, scope });
  const messages: ChatMessage[] = [];
  let system: string | undefined;

  (config.messages ?? []).forEach((message, index) => {
    messages.push({
      role: message.role,
      content: render(`messages[${index}].content`, message.content),
      ...(message.cache === true && { cache: true }),
    });
  });
  if (config.prompt !== undefined)
    messages.push({ role: 'user', content: render('prompt', config.prompt) });
  if (messages.length === 0) system = upstreamPrompt(context, messages);
  if (messages.length === 0) {
    throw new NodeFailure({
      node: node.id,
      kind: 'validation',
      message: `node "${node.id}" has nothing to send: set "prompt" or "messages", or connect a promptTemplate to its input`,
    });
  }
  if (config.system !== undefined) system = render('system', config.system);

  const request: Omit<ChatRequest, 'signal'> = { model: config.model ?? '', messages };
  if (system !== undefined) request.system = system;
  if (config.temperature !== undefined) request.temperature = config.temperature;
  if (config.maxTokens !== undefined) request.maxTokens = config.maxTokens;
  if (config.stop !== undefined) request.stop = config.stop;
  if (config.tools !== undefined) request.tools = config.tools;
  if (config.toolChoice !== undefined) request.toolChoice = config.toolChoice;
  const responseFormat = toResponseFormat(config.responseFormat);
  if (responseFormat) request.responseFormat = responseFormat;
  // `timeoutMs` is per attempt, as documented: a timed-out attempt with no token yet is retried.
  if (config.timeoutMs !== undefined) request.attemptTimeoutMs = config.timeoutMs;
  if (config.firstTokenTimeoutMs !== undefined) {
    request.firstTokenTimeoutMs = config.firstTokenTimeoutMs;
  }
  if (config.idleTimeoutMs !== undefined) request.idleTimeoutMs = config.idleTimeoutMs;
  if (config.maxRetries !== undefined) request.maxRetries = config.maxRetries;
  if (config.cache === true) request.cache = true;
  return request;
}

/**
 * With no prompt in the config: appends the upstream prompt template's messages, or the text of
 * an upstream completion (a chain), the first in edge order; returns the template's system text.
 */
function upstreamPrompt(
  context: NodeExecutionContext<unknown>,
  messages: ChatMessage[],
): string | undefined {
  for (const upstream of context.upstream) {
    const value = upstream.output;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) continue;
    if (Array.isArray(value.messages)) {
      for (const message of value.messages) {
        if (isTemplateMessage(message)) {
          messages.push({
            role: message.role,
            content: message.content,
            ...(message.cache === true && { cache: true }),
          });
        }
      }
      return typeof value.system === 'string' ? value.system : undefined;
    }
    if (typeof value.text === 'string') {
      messages.push({ role: 'user', content: value.text });
      return undefined;
    }
  }
  return undefined;
}

/** Whether a value is a message as a `promptTemplate` node outputs it. */
function isTemplateMessage(
  value: JsonValue,
): value is { role: TemplateMessage['role']; content: string; cache?: JsonValue } {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    (value.role === 'system' || value.role === 'user' || value.role === 'assistant') &&
    typeof value.content === 'string'
  );
}

function toResponseFormat(value: ConfigResponseFormat | undefined): ResponseFormat | undefined {
  if (value === undefined || value === 'text') return undefined;
  if (value === 'json_object') return { type: 'json_object' };
  return value;
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
