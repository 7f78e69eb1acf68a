import { randomUUID } from 'node:crypto';
import {
  type ChatRequest,
  type Cost,
  emptyUsage,
  type ProviderError,
  type StreamEvent,
  type ToolCall,
} from '@catalyst/spec';
import type { Token } from 'node-llama-cpp';
import { AsyncChunkQueue } from './async-chunk-queue.js';
import { convertToLlamaChatHistory } from './convert-to-llama-chat-history.js';
import { convertToLlamaFunctions } from './convert-to-llama-functions.js';
import { abortedError, localError, toLocalProviderError } from './local-error.js';
import { createLocalResponseGrammar } from './local-response-grammar.js';
import type { LocalRuntime, LocalSlot } from './local-runtime.js';
import { mapLocalFinishReason } from './map-local-finish-reason.js';
import type { Lease } from './sequence-pool.js';

/** Settings shared by every call of one provider instance. */
export interface LocalCompletionSettings {
  /** Loads (once) and returns the runtime. */
  runtime: () => Promise<LocalRuntime>;
  /** Whether requests may carry tools (see `LocalProviderOptions.toolCalling`). */
  toolCalling: boolean;
  /** Temperature when the request sets none. */
  defaultTemperature: number;
  /** Tool call ids; injected so tests can pin them. */
  createId: () => string;
}

/** What the model produced, in arrival order. */
type GenerationChunk =
  | { type: 'text'; text: string }
  | { type: 'params'; index: number; name: string; delta: string };

/** Running the model locally costs nothing. */
export function zeroCost(): Cost {
  return { inputUsd: 0, outputUsd: 0, cacheReadUsd: 0, cacheWriteUsd: 0, totalUsd: 0 };
}

/** Default tool call id, shaped like OpenAI's so OpenAI-compatible clients accept it. */
export function createToolCallId(): string {
  return `call_${randomUUID().replaceAll('-', '').slice(0, 24)}`;
}

/**
 * Streams one completion from the embedded model: `token` events as llama.cpp produces them,
 * tool-call events when the model calls a tool, then exactly one `done` or `error`. Never throws.
 * Aborting `request.signal` stops generation at the next token and ends with `aborted`.
 */
export async function* streamLocalCompletion(
  request: ChatRequest,
  settings: LocalCompletionSettings,
): AsyncGenerator<StreamEvent> {
  const usage = emptyUsage();
  let text = '';
  let model: string | undefined;
  let timedOut: 'first token' | 'whole call' | undefined;
  let lease: Lease<LocalSlot> | undefined;
  let generation: Promise<unknown> | undefined;
  let outputMeterStart = 0;

  // One internal controller stops generation for every reason: the caller's abort, a timeout,
  // or the consumer leaving the loop early (the finally below).
  const controller = new AbortController();
  const onCallerAbort = () => controller.abort();
  request.signal.addEventListener('abort', onCallerAbort, { once: true });
  const timers: NodeJS.Timeout[] = [];
  const startTimer = (milliseconds: number | undefined, kind: 'first token' | 'whole call') => {
    if (milliseconds === undefined) return undefined;
    const timer = setTimeout(() => {
      timedOut = kind;
      controller.abort();
    }, milliseconds);
    timers.push(timer);
    return timer;
  };
  const firstTokenTimer = startTimer(request.firstTokenTimeoutMs, 'first token');
  startTimer(request.totalTimeoutMs, 'whole call');

  try {
    if (request.signal.aborted) throw abortedError();
    if (request.tools?.length && request.toolChoice !== 'none' && !settings.toolCalling) {
      throw localError(
        'invalid_request',
        'The bundled local model (SmolLM2-135M) does not support tool calling. Remove the tools, ' +
          'set CATALYST_LOCAL_MODEL to a GGUF model that can call functions (e.g. Qwen2.5 or ' +
          'Llama 3.2 Instruct), or use a hosted provider.',
      );
    }
    if (request.tools?.length && request.responseFormat && request.responseFormat.type !== 'text') {
      throw localError(
        'invalid_request',
        'The local model cannot combine tools with a JSON response format in one call; ' +
          'send tools or responseFormat, not both.',
      );
    }
    const history = convertToLlamaChatHistory(request);
    const runtime = await settings.runtime();
    model = runtime.modelId;
    const functions = convertToLlamaFunctions(request);
    const grammar = await createLocalResponseGrammar(runtime.llama, request.responseFormat);
    lease = await runtime.slots.acquire(controller.signal);
    const { sequence, chat } = lease.item;

    // The prompt as the chat template renders it, tokenized: the real input count, cached
    // prefix included (as OpenAI reports prompt tokens).
    usage.inputTokens = chat.chatWrapper
      .generateContextState({
        chatHistory: history,
        ...(functions && { availableFunctions: functions }),
      })
      .contextText.tokenize(runtime.model.tokenizer).length;
    const room = runtime.contextSize - usage.inputTokens;
    if (room <= 0) {
      throw localError(
        'context_length',
        `The prompt is ${usage.inputTokens} tokens; the local model's context holds ` +
          `${runtime.contextSize}. Shorten the conversation.`,
        { model },
      );
    }
    const maxTokens = Math.min(request.maxTokens ?? room, room);
    outputMeterStart = sequence.tokenMeter.usedOutputTokens;

    const queue = new AsyncChunkQueue<GenerationChunk>();
    const paramsText = new Map<number, string>();
    const common = {
      signal: controller.signal,
      maxTokens,
      temperature: request.temperature ?? settings.defaultTemperature,
      ...(request.topP !== undefined && { topP: request.topP }),
      ...(request.seed !== undefined && { seed: request.seed }),
      ...(request.stop?.length && { customStopTriggers: request.stop.filter((stop) => stop) }),
      // node-llama-cpp may flush an empty chunk at the end; a token event always carries text.
      onTextChunk: (chunk: string) => {
        if (chunk) queue.push({ type: 'text', text: chunk });
      },
      onToken: (_tokens: Token[]) => {
        if (firstTokenTimer) clearTimeout(firstTokenTimer);
      },
    };
    const running = functions
      ? chat.generateResponse(history, {
          ...common,
          functions,
          onFunctionCallParamsChunk: (chunk) => {
            paramsText.set(
              chunk.callIndex,
              (paramsText.get(chunk.callIndex) ?? '') + chunk.paramsChunk,
            );
            queue.push({
              type: 'params',
              index: chunk.callIndex,
              name: chunk.functionName,
              delta: chunk.paramsChunk,
            });
          },
        })
      : chat.generateResponse(history, { ...common, ...(grammar && { grammar }) });
    generation = running;
    running.then(
      () => queue.end(),
      (error: unknown) => queue.fail(error),
    );

    const callIds = new Map<number, string>();
    for await (const chunk of queue) {
      if (chunk.type === 'text') {
        text += chunk.text;
        yield { type: 'token', text: chunk.text };
        continue;
      }
      let id = callIds.get(chunk.index);
      if (id === undefined) {
        id = settings.createId();
        callIds.set(chunk.index, id);
        yield {
          type: 'tool-call-delta',
          index: chunk.index,
          id,
          name: chunk.name,
          argumentsDelta: chunk.delta,
        };
      } else {
        yield { type: 'tool-call-delta', index: chunk.index, argumentsDelta: chunk.delta };
      }
    }
    const response = await running;
    usage.outputTokens = sequence.tokenMeter.usedOutputTokens - outputMeterStart;
    usage.totalTokens = usage.inputTokens + usage.outputTokens;

    const toolCalls: ToolCall[] = [];
    for (const [index, call] of (response.functionCalls ?? []).entries()) {
      const toolCall: ToolCall = {
        id: callIds.get(index) ?? settings.createId(),
        name: call.functionName,
        arguments: paramsText.get(index) ?? JSON.stringify(call.params ?? {}),
        input: call.params ?? {},
      };
      toolCalls.push(toolCall);
      yield { type: 'tool-call', index, toolCall };
    }
    const finalText = response.response;
    const wantsJson =
      request.responseFormat?.type === 'json_object' ||
      request.responseFormat?.type === 'json_schema';
    yield {
      type: 'done',
      provider: 'local',
      model,
      text: finalText,
      toolCalls,
      finishReason: mapLocalFinishReason(response.metadata.stopReason),
      usage,
      cost: zeroCost(),
      ...(wantsJson && { json: parseJsonOrUndefined(finalText) }),
    };
  } catch (error) {
    if (lease) {
      usage.outputTokens = lease.item.sequence.tokenMeter.usedOutputTokens - outputMeterStart;
      usage.totalTokens = usage.inputTokens + usage.outputTokens;
    }
    yield {
      type: 'error',
      error: describeFailure(error, { signal: request.signal, timedOut, request, model }).toJSON(),
      partialText: text,
      usage,
    };
  } finally {
    for (const timer of timers) clearTimeout(timer);
    request.signal.removeEventListener('abort', onCallerAbort);
    // Stop the model if the consumer left early, and wait for it before the sequence is reused.
    controller.abort();
    if (generation) await generation.catch(() => undefined);
    lease?.release();
  }
}

function describeFailure(
  error: unknown,
  context: {
    signal: AbortSignal;
    timedOut: 'first token' | 'whole call' | undefined;
    request: ChatRequest;
    model: string | undefined;
  },
): ProviderError {
  const model = context.model;
  if (context.signal.aborted) return abortedError(model);
  if (context.timedOut) {
    const limit =
      context.timedOut === 'first token'
        ? `firstTokenTimeoutMs (${context.request.firstTokenTimeoutMs} ms)`
        : `totalTimeoutMs (${context.request.totalTimeoutMs} ms)`;
    return localError(
      'timeout',
      `The local model did not finish within ${limit}; raise the limit or ask for fewer tokens.`,
      {
        ...(model !== undefined && { model }),
      },
    );
  }
  return toLocalProviderError(error, { ...(model !== undefined && { model }) });
}

function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
