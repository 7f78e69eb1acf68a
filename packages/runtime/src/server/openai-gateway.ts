import { randomUUID } from 'node:crypto';
import {
  type CompletionIdentity,
  encodeEmbeddingBase64,
  ModelCatalog,
  OpenAIRequestError,
  parseOpenAIChatRequest,
  providerErrorResponse,
  toOpenAIChatCompletion,
  toOpenAIChunk,
  toOpenAIFinishReason,
} from '@catalyst/providers';
import {
  type ChatResult,
  type Cost,
  emptyUsage,
  type FinishReason,
  type JsonValue,
  PROVIDER_NAMES,
  ProviderError,
  type ProviderErrorInfo,
  type ProviderName,
  type RouteDecision,
  type StreamEvent,
  type ToolCall,
  type Usage,
  type WorkflowDefinition,
  type WorkflowEvent,
  type WorkflowFallbackEvent,
} from '@catalyst/spec';
import type { ProviderResolver } from '../executors/node-executor.js';
import type { GatewayConfig } from './gateway-config.js';
import { readJsonBody } from './read-json-body.js';
import type { ServerLimits } from './server-limits.js';
import { SSE_HEADERS } from './sse.js';

/** What the gateway needs from the app it is part of. */
export interface OpenAIGatewayOptions {
  workflows: readonly WorkflowDefinition[];
  providers: ProviderResolver;
  /** Runs a workflow as the app does (counted in flight, logged, drained on shutdown). */
  runWorkflow: (
    workflow: WorkflowDefinition,
    input: JsonValue,
    signal: AbortSignal,
  ) => AsyncIterable<WorkflowEvent>;
  limits: ServerLimits;
  catalog?: ModelCatalog;
  /** Named models: aliases and router routes (`catalyst serve --gateway FILE`). */
  gateway?: GatewayConfig;
}

/** The OpenAI-compatible routes: `POST /v1/chat/completions`, `POST /v1/embeddings`, `GET /v1/models`. */
export interface OpenAIGateway {
  chatCompletions(request: Request): Promise<Response>;
  embeddings(request: Request): Promise<Response>;
  models(): Response;
}

/** Catalyst's extension of an answer: standard clients ignore the field. */
interface CatalystExtension {
  cost: Cost | null;
  routes?: Array<RouteDecision & { node: string }>;
  fallbacks?: Array<Omit<WorkflowFallbackEvent, 'type'>>;
}

/** One step of an answer, from a provider stream or a workflow run alike. */
type AnswerPart =
  | { type: 'text'; text: string }
  | { type: 'tool-call-delta'; index: number; id?: string; name?: string; argumentsDelta: string }
  | { type: 'route'; route: RouteDecision & { node: string } }
  | { type: 'fallback'; fallback: Omit<WorkflowFallbackEvent, 'type'> }
  | {
      type: 'done';
      result: ChatResult;
    }
  | { type: 'error'; status: number; body: OpenAIError };

/** OpenAI's error envelope. */
interface OpenAIError {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** Header with the answer's cost in US dollars (absent when a model has no price). */
export const COST_HEADER = 'x-catalyst-cost-usd';

/**
 * An OpenAI-compatible gateway over the provider layer and the served workflows. `model` picks
 * what answers: `PROVIDER/MODEL` (e.g. `openai/gpt-4.1-mini`) goes through the provider layer
 * (retries, timeouts, typed errors, cost); `workflow/ID` runs a served workflow whose input
 * takes chat messages (docs/gateway.md).
 *
 * @example
 * const gateway = createOpenAIGateway({ workflows, providers, runWorkflow, limits });
 * const response = await gateway.chatCompletions(request);
 */
export function createOpenAIGateway(options: OpenAIGatewayOptions): OpenAIGateway {
  const catalog = options.catalog ?? ModelCatalog.default();
  const chatWorkflows = new Map(
    options.workflows.filter(acceptsChatMessages).map((workflow) => [workflow.id, workflow]),
  );

  const aliases = options.gateway?.aliases ?? {};
  const routes = options.gateway?.routes ?? {};

  /** The parts of an answer, or the OpenAI error refusing the model. */
  const answer = (
    requested: string,
    request: ReturnType<typeof parseOpenAIChatRequest>['request'],
    signal: AbortSignal,
  ): AsyncIterable<AnswerPart> | Response => {
    const model = Object.hasOwn(aliases, requested) ? (aliases[requested] as string) : requested;
    const slash = model.indexOf('/');
    const prefix = slash > 0 ? model.slice(0, slash) : '';
    const rest = model.slice(slash + 1);
    const route = Object.hasOwn(routes, model) ? routes[model] : undefined;
    if (prefix === 'workflow' || route !== undefined) {
      const workflow = route ?? chatWorkflows.get(rest);
      if (!workflow) {
        return modelNotFound(
          `The model "${model}" does not exist: no served workflow "${rest}" takes chat messages (its input needs a "messages" array); GET /v1/models lists the models.`,
        );
      }
      if (request.tools !== undefined || request.responseFormat !== undefined) {
        return openAIError(
          400,
          'tools and response_format are set by the workflow itself; leave them out for a workflow model.',
          'invalid_request_error',
          'tools',
        );
      }
      const messages = request.messages.map((message) => ({
        role: message.role,
        content: typeof message.content === 'string' ? message.content : '',
      }));
      const events = options.runWorkflow(workflow, { messages }, signal);
      return workflowParts(workflow, events, model);
    }
    if (!PROVIDER_NAMES.includes(prefix as ProviderName) || rest === '') {
      return modelNotFound(
        `The model "${model}" does not exist: use PROVIDER/MODEL (providers: ${PROVIDER_NAMES.join(', ')}), workflow/ID or a name of the gateway file; GET /v1/models lists the models.`,
      );
    }
    const provider = options.providers(prefix as ProviderName);
    return providerParts(provider.stream({ ...request, model: rest, signal }));
  };

  return {
    async chatCompletions(request) {
      const body = await readJsonBody(request, options.limits);
      if (body instanceof Response) return body;
      let parsed: ReturnType<typeof parseOpenAIChatRequest>;
      try {
        parsed = parseOpenAIChatRequest(body.input, request.signal);
      } catch (error) {
        if (error instanceof OpenAIRequestError) {
          return openAIError(400, error.message, 'invalid_request_error', null, error.param);
        }
        throw error;
      }
      const model = parsed.request.model;
      const parts = answer(model, parsed.request, request.signal);
      if (parts instanceof Response) return parts;
      const identity: CompletionIdentity = {
        id: `chatcmpl-${randomUUID().replaceAll('-', '')}`,
        created: Math.floor(Date.now() / 1000),
        model,
      };
      return parsed.stream
        ? streamAnswer(identity, parts, parsed.includeUsage)
        : collectAnswer(identity, parts);
    },

    async embeddings(request) {
      const body = await readJsonBody(request, options.limits);
      if (body instanceof Response) return body;
      const fields = body.input;
      if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) {
        return openAIError(400, 'The body must be a JSON object.', 'invalid_request_error', null);
      }
      const model = typeof fields.model === 'string' ? fields.model : '';
      const slash = model.indexOf('/');
      const providerName = model.slice(0, Math.max(0, slash)) as ProviderName;
      const modelId = model.slice(slash + 1);
      if (slash <= 0 || !PROVIDER_NAMES.includes(providerName) || modelId === '') {
        return modelNotFound(
          `The model "${model}" does not exist: use PROVIDER/MODEL, e.g. openai/text-embedding-3-small.`,
        );
      }
      const input = typeof fields.input === 'string' ? [fields.input] : fields.input;
      if (
        !Array.isArray(input) ||
        input.length === 0 ||
        !input.every((item) => typeof item === 'string')
      ) {
        return openAIError(
          400,
          'input must be a string or a non-empty array of strings (token arrays are not supported).',
          'invalid_request_error',
          null,
          'input',
        );
      }
      const format = fields.encoding_format ?? 'float';
      if (format !== 'float' && format !== 'base64') {
        return openAIError(
          400,
          'encoding_format must be float or base64.',
          'invalid_request_error',
          null,
          'encoding_format',
        );
      }
      const provider = options.providers(providerName);
      if (!provider.embed) {
        return modelNotFound(`The provider "${providerName}" has no embeddings.`);
      }
      const dimensions = typeof fields.dimensions === 'number' ? fields.dimensions : undefined;
      try {
        const result = await provider.embed({
          model: modelId,
          input: input as string[],
          signal: request.signal,
          ...(dimensions !== undefined && { dimensions }),
        });
        return json(
          200,
          {
            object: 'list',
            model,
            data: result.embeddings.map((vector, index) => ({
              object: 'embedding',
              index,
              embedding: format === 'base64' ? encodeEmbeddingBase64(vector) : vector,
            })),
            usage: {
              prompt_tokens: result.usage.inputTokens,
              total_tokens: result.usage.inputTokens,
            },
            catalyst: { cost: result.cost },
          },
          costHeaders(result.cost),
        );
      } catch (error) {
        const info = providerErrorOf(error);
        if (info === undefined) throw error;
        const { status, body: errorBody } = providerErrorResponse(info);
        return json(status, errorBody);
      }
    },

    models() {
      const data = [
        ...catalog
          .list()
          .filter((model) => model.retired === undefined)
          .map((model) => ({
            id: `${model.provider}/${model.id}`,
            object: 'model',
            created: 0,
            owned_by: model.provider,
          })),
        ...[...chatWorkflows.keys()].map((id) => ({
          id: `workflow/${id}`,
          object: 'model',
          created: 0,
          owned_by: 'catalyst',
        })),
        ...[...Object.keys(aliases), ...Object.keys(routes)].map((id) => ({
          id,
          object: 'model',
          created: 0,
          owned_by: 'catalyst-gateway',
        })),
      ];
      return json(200, { object: 'list', data });
    },
  };
}

/**
 * Whether a workflow can answer chat: its input schema has a `messages` array and requires
 * nothing else.
 */
export function acceptsChatMessages(workflow: WorkflowDefinition): boolean {
  const schema = workflow.input as {
    properties?: Record<string, { type?: unknown }>;
    required?: unknown;
  };
  if (schema.properties?.messages?.type !== 'array') return false;
  const required = Array.isArray(schema.required) ? schema.required : [];
  return required.every((name) => name === 'messages');
}

/** The nodes whose text is the answer: those with an edge into an `output` node. */
function answeringNodes(workflow: WorkflowDefinition): Set<string> {
  const outputs = new Set(
    workflow.nodes.filter((node) => node.type === 'output').map((node) => node.id),
  );
  return new Set(workflow.edges.filter((edge) => outputs.has(edge.to)).map((edge) => edge.from));
}

async function* providerParts(events: AsyncIterable<StreamEvent>): AsyncGenerator<AnswerPart> {
  for await (const event of events) {
    switch (event.type) {
      case 'token':
        yield { type: 'text', text: event.text };
        break;
      case 'tool-call-delta': {
        const { type: _type, ...delta } = event;
        yield { type: 'tool-call-delta', ...delta };
        break;
      }
      case 'done': {
        const { type: _type, ...result } = event;
        yield { type: 'done', result };
        return;
      }
      case 'error': {
        const { status, body } = providerErrorResponse(event.error);
        yield { type: 'error', status, body };
        return;
      }
      case 'tool-call':
      case 'retry':
        // Calls already streamed as deltas; retries are invisible to OpenAI clients.
        break;
      default: {
        const unreachable: never = event;
        throw new Error(`unknown stream event ${JSON.stringify(unreachable)}`);
      }
    }
  }
}

async function* workflowParts(
  workflow: WorkflowDefinition,
  events: AsyncIterable<WorkflowEvent>,
  model: string,
): AsyncGenerator<AnswerPart> {
  const answering = answeringNodes(workflow);
  let text = '';
  let finishReason: FinishReason = 'stop';
  const calls = new Map<number, { id: string; name: string; arguments: string }>();
  for await (const event of events) {
    switch (event.type) {
      case 'token':
        if (!answering.has(event.node)) break;
        text += event.text;
        yield { type: 'text', text: event.text };
        break;
      case 'tool-call-delta': {
        if (!answering.has(event.node)) break;
        const call = calls.get(event.index) ?? { id: '', name: '', arguments: '' };
        call.id ||= event.id ?? '';
        call.name ||= event.name ?? '';
        call.arguments += event.argumentsDelta;
        calls.set(event.index, call);
        const { type: _type, node: _node, ...delta } = event;
        yield { type: 'tool-call-delta', ...delta };
        break;
      }
      case 'partial': {
        const output = event.output as { finishReason?: unknown } | null;
        if (answering.has(event.node) && typeof output?.finishReason === 'string') {
          finishReason = output.finishReason as FinishReason;
        }
        break;
      }
      case 'route': {
        const { type: _type, ...route } = event;
        yield { type: 'route', route };
        break;
      }
      case 'fallback': {
        const { type: _type, ...fallback } = event;
        yield { type: 'fallback', fallback };
        break;
      }
      case 'node':
        break;
      case 'done': {
        const usages = Object.values(event.usage).map((entry) => entry.usage);
        const toolCalls: ToolCall[] = [...calls.values()].map((call) => ({
          ...call,
          input: parseJson(call.arguments),
        }));
        yield {
          type: 'done',
          result: {
            provider: 'openai-compatible',
            model,
            text,
            toolCalls,
            finishReason,
            usage: sumUsage(usages),
            cost: event.cost,
          },
        };
        return;
      }
      case 'error': {
        if (
          event.kind === 'expression' ||
          event.kind === 'validation' ||
          event.kind === 'internal' ||
          event.kind === 'expired'
        ) {
          yield {
            type: 'error',
            status: 500,
            body: errorBody(event.message, 'server_error', event.kind),
          };
        } else if (event.kind === 'unavailable') {
          yield {
            type: 'error',
            status: 503,
            body: errorBody(event.message, 'server_error', 'unavailable'),
          };
        } else {
          const { status, body } = providerErrorResponse({
            kind: event.kind,
            message: event.message,
            provider: 'openai-compatible',
            retryable: event.retryable,
          });
          yield { type: 'error', status, body };
        }
        return;
      }
      default: {
        const unreachable: never = event;
        throw new Error(`unknown workflow event ${JSON.stringify(unreachable)}`);
      }
    }
  }
}

/** A non-streaming answer: a `chat.completion` with a `catalyst` extension field. */
async function collectAnswer(
  identity: CompletionIdentity,
  parts: AsyncIterable<AnswerPart>,
): Promise<Response> {
  const extension: CatalystExtension = { cost: null };
  // A workflow's text is collected from its parts; a provider's result already has it.
  for await (const part of parts) {
    if (part.type === 'error') return json(part.status, part.body);
    if (part.type === 'route') extension.routes = [...(extension.routes ?? []), part.route];
    if (part.type === 'fallback')
      extension.fallbacks = [...(extension.fallbacks ?? []), part.fallback];
    if (part.type === 'done') {
      extension.cost = part.result.cost;
      const completion = toOpenAIChatCompletion(identity, part.result);
      return json(
        200,
        { ...completion, model: identity.model, catalyst: extension },
        costHeaders(part.result.cost),
      );
    }
  }
  return json(500, errorBody('the answer ended without a result', 'server_error', null));
}

/**
 * A streaming answer: `chat.completion.chunk`s, a finish chunk carrying the `catalyst`
 * extension, a usage chunk with `stream_options.include_usage`, then `data: [DONE]`. A failure
 * before the first part is an HTTP error; after it, a `data: {"error": …}` line (which the SDKs
 * raise as an APIError).
 */
async function streamAnswer(
  identity: CompletionIdentity,
  parts: AsyncIterable<AnswerPart>,
  includeUsage: boolean,
): Promise<Response> {
  const iterator = parts[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (!first.done && first.value.type === 'error') {
    await iterator.return?.();
    return json(first.value.status, first.value.body);
  }
  const encoder = new TextEncoder();
  const data = (value: unknown) =>
    encoder.encode(`data: ${typeof value === 'string' ? value : JSON.stringify(value)}\n\n`);
  const extension: CatalystExtension = { cost: null };
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      controller.enqueue(
        data(
          toOpenAIChunk(identity, {
            delta: { role: 'assistant', content: '' },
            finishReason: null,
          }),
        ),
      );
      let next = first;
      try {
        while (!next.done) {
          const part = next.value;
          switch (part.type) {
            case 'text':
              controller.enqueue(
                data(
                  toOpenAIChunk(identity, { delta: { content: part.text }, finishReason: null }),
                ),
              );
              break;
            case 'tool-call-delta':
              controller.enqueue(
                data(
                  toOpenAIChunk(identity, {
                    delta: {
                      tool_calls: [
                        {
                          index: part.index,
                          ...(part.id !== undefined && { id: part.id, type: 'function' as const }),
                          function: {
                            ...(part.name !== undefined && { name: part.name }),
                            arguments: part.argumentsDelta,
                          },
                        },
                      ],
                    },
                    finishReason: null,
                  }),
                ),
              );
              break;
            case 'route':
              extension.routes = [...(extension.routes ?? []), part.route];
              break;
            case 'fallback':
              extension.fallbacks = [...(extension.fallbacks ?? []), part.fallback];
              break;
            case 'done':
              extension.cost = part.result.cost;
              controller.enqueue(
                data({
                  ...toOpenAIChunk(identity, {
                    delta: {},
                    finishReason: toOpenAIFinishReason(part.result.finishReason),
                  }),
                  catalyst: extension,
                }),
              );
              if (includeUsage) {
                controller.enqueue(data(toOpenAIChunk(identity, undefined, part.result.usage)));
              }
              controller.enqueue(data('[DONE]'));
              return;
            case 'error':
              controller.enqueue(data(part.body));
              return;
            default: {
              const unreachable: never = part;
              throw new Error(`unknown part ${JSON.stringify(unreachable)}`);
            }
          }
          next = await iterator.next();
        }
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        controller.enqueue(data(errorBody(message, 'server_error', null)));
      } finally {
        try {
          controller.close();
        } catch {
          // The client went away.
        }
      }
    },
    async cancel() {
      await iterator.return?.();
    },
  });
  return new Response(body, { status: 200, headers: { ...SSE_HEADERS } });
}

function errorBody(
  message: string,
  type: string,
  code: string | null,
  param: string | null = null,
): OpenAIError {
  return { error: { message, type, param, code } };
}

/** An OpenAI-shaped error answer. */
export function openAIError(
  status: number,
  message: string,
  type: string,
  code: string | null,
  param: string | null = null,
): Response {
  return json(status, errorBody(message, type, code, param));
}

function modelNotFound(message: string): Response {
  return openAIError(404, message, 'invalid_request_error', 'model_not_found', 'model');
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

function costHeaders(cost: Cost | null): Record<string, string> {
  return cost === null ? {} : { [COST_HEADER]: String(cost.totalUsd) };
}

function providerErrorOf(error: unknown): ProviderErrorInfo | undefined {
  return error instanceof ProviderError ? error : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function sumUsage(usages: Usage[]): Usage {
  const total = emptyUsage();
  for (const usage of usages) {
    total.inputTokens += usage.inputTokens;
    total.outputTokens += usage.outputTokens;
    total.totalTokens += usage.totalTokens;
    total.cacheReadTokens = (total.cacheReadTokens ?? 0) + (usage.cacheReadTokens ?? 0);
    total.cacheWriteTokens = (total.cacheWriteTokens ?? 0) + (usage.cacheWriteTokens ?? 0);
    total.reasoningTokens = (total.reasoningTokens ?? 0) + (usage.reasoningTokens ?? 0);
  }
  return total;
}
