import type { ChatRequest, ProviderError, ProviderName, StreamEvent } from '@catalyst/spec';
import type { ModelCatalog } from '../catalog/model-catalog.js';
import { createProviderError } from './create-provider-error.js';
import type { RawPart } from './raw-part.js';
import { retryDelay } from './retry-delay.js';
import { sleep as defaultSleep } from './sleep.js';
import { StreamState } from './stream-state.js';
import { withAdvice } from './with-advice.js';

/** What a provider adapter hands to `providerStream`. */
export interface ProviderStreamOptions {
  provider: ProviderName;
  request: ChatRequest;
  catalog: ModelCatalog;
  /**
   * Opens one attempt. The adapter must give `signal` to its SDK call so that aborting closes
   * the HTTP connection at once.
   */
  open(signal: AbortSignal): AsyncIterable<RawPart>;
  /** Maps anything the SDK or adapter threw to a typed error. */
  toProviderError(error: unknown): ProviderError;
  /** Injected for tests: waiting between retries. */
  sleep?: (milliseconds: number, signal: AbortSignal) => Promise<void>;
  /** Injected for tests: jitter source in [0, 1). */
  random?: () => number;
}

/** Abort reason when no first token arrived in time. */
class FirstTokenTimeout extends Error {
  constructor(readonly milliseconds: number) {
    super(`no first token within ${milliseconds} ms`);
  }
}

/**
 * The one streaming loop every provider shares: opens attempts, forwards tokens the moment
 * they arrive, retries retryable errors before the first token (honouring retry-after, with
 * exponential back-off and jitter), enforces the first-token and total timeouts, assembles tool
 * calls and usage, prices the call, and ends with exactly one `done` or `error` event — also
 * on abort. It never throws.
 */
export async function* providerStream(options: ProviderStreamOptions): AsyncGenerator<StreamEvent> {
  const { provider, request, catalog } = options;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;

  const known = catalog.find(provider, request.model);
  if (known?.retired) {
    const { since, replacements } = known.retired;
    const error = createProviderError({
      provider,
      kind: 'model_not_found',
      model: request.model,
      detail: `"${request.model}" was retired on ${since}; use ${replacements.map((id) => `"${id}"`).join(' or ')} instead`,
    });
    yield {
      type: 'error',
      error: error.toJSON(),
      partialText: '',
      usage: new StreamState().finalUsage(),
    };
    return;
  }

  const totalSignal =
    request.totalTimeoutMs !== undefined ? AbortSignal.timeout(request.totalTimeoutMs) : undefined;
  const callSignal = totalSignal ? AbortSignal.any([request.signal, totalSignal]) : request.signal;
  const startedAt = Date.now();
  const maxRetries = request.maxRetries ?? 2;
  const jsonMode = request.responseFormat !== undefined && request.responseFormat.type !== 'text';

  for (let attempt = 0; ; attempt += 1) {
    const attemptController = new AbortController();
    const signal = AbortSignal.any([callSignal, attemptController.signal]);
    const firstTokenTimeout = request.firstTokenTimeoutMs;
    let firstTokenTimer: ReturnType<typeof setTimeout> | undefined =
      firstTokenTimeout !== undefined
        ? setTimeout(
            () => attemptController.abort(new FirstTokenTimeout(firstTokenTimeout)),
            firstTokenTimeout,
          )
        : undefined;
    const gotFirstToken = () => {
      if (firstTokenTimer !== undefined) clearTimeout(firstTokenTimer);
      firstTokenTimer = undefined;
    };
    const state = new StreamState();
    let started = false;

    try {
      const iterator = options.open(signal)[Symbol.asyncIterator]();
      try {
        while (true) {
          const next = await nextOrAbort(iterator, signal);
          if (next.done) break;
          const part = next.value;
          switch (part.type) {
            case 'text':
              if (part.text === '') break;
              gotFirstToken();
              started = true;
              state.text += part.text;
              yield { type: 'token', text: part.text };
              break;
            case 'tool-call-delta': {
              gotFirstToken();
              started = true;
              state.addToolCallDelta(part.index, part.id, part.name, part.argumentsDelta);
              const event: StreamEvent = {
                type: 'tool-call-delta',
                index: part.index,
                argumentsDelta: part.argumentsDelta,
              };
              if (part.id !== undefined) event.id = part.id;
              if (part.name !== undefined) event.name = part.name;
              yield event;
              break;
            }
            case 'usage':
              state.addUsage(part.usage);
              break;
            case 'finish':
              state.finishReason = part.finishReason;
              break;
            case 'metadata':
              if (part.model) state.model = part.model;
              if (part.requestId) state.requestId = part.requestId;
              break;
            default: {
              const unreachable: never = part;
              throw new Error(`unknown stream part ${JSON.stringify(unreachable)}`);
            }
          }
        }
      } finally {
        gotFirstToken();
        // Closing the SDK iterator releases the connection when the consumer stopped early.
        // Not awaited: an iterator blocked on a stalled socket must not hold the caller.
        iterator.return?.()?.catch(() => {});
      }
    } catch (thrown) {
      const error = classify(thrown, options, {
        request,
        totalSignal,
        attemptSignal: attemptController.signal,
        catalog,
      });
      const elapsed = Date.now() - startedAt;
      const delay = retryDelay({ attempt, retryAfterMs: error.retryAfterMs, random });
      const fitsTotal =
        request.totalTimeoutMs === undefined || elapsed + delay < request.totalTimeoutMs;
      if (!started && error.retryable && attempt < maxRetries && fitsTotal) {
        yield { type: 'retry', attempt: attempt + 1, delayMs: delay, error: error.toJSON() };
        try {
          await sleep(delay, callSignal);
          continue;
        } catch (sleepError) {
          const stopped = classify(sleepError, options, {
            request,
            totalSignal,
            attemptSignal: attemptController.signal,
            catalog,
          });
          yield {
            type: 'error',
            error: stopped.toJSON(),
            partialText: '',
            usage: state.finalUsage(),
          };
          return;
        }
      }
      yield {
        type: 'error',
        error: error.toJSON(),
        partialText: state.text,
        usage: state.finalUsage(),
      };
      return;
    }

    const usage = state.finalUsage();
    const model = state.model ?? request.model;
    for (const { index, toolCall } of state.assembledToolCalls()) {
      yield { type: 'tool-call', index, toolCall };
    }
    const result = state.result({
      provider,
      requestedModel: request.model,
      cost: catalog.cost(provider, model, usage) ?? catalog.cost(provider, request.model, usage),
      json: jsonMode,
    });
    yield { type: 'done', ...result };
    return;
  }
}

/** Resolves the iterator's next value, or rejects as soon as `signal` aborts. */
function nextOrAbort<T>(
  iterator: AsyncIterator<T>,
  signal: AbortSignal,
): Promise<IteratorResult<T>> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    iterator.next().then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Decides what a failure was: the caller's abort, a timeout of ours, or the provider's error. */
function classify(
  thrown: unknown,
  options: ProviderStreamOptions,
  context: {
    request: ChatRequest;
    totalSignal: AbortSignal | undefined;
    attemptSignal: AbortSignal;
    catalog: ModelCatalog;
  },
): ProviderError {
  const { provider } = options;
  const model = context.request.model;
  if (context.request.signal.aborted) {
    return createProviderError({ provider, kind: 'aborted', model });
  }
  if (context.totalSignal?.aborted) {
    return createProviderError({
      provider,
      kind: 'timeout',
      model,
      retryable: false,
      detail: `no complete answer within the total timeout of ${context.request.totalTimeoutMs} ms`,
    });
  }
  const reason: unknown = context.attemptSignal.aborted ? context.attemptSignal.reason : undefined;
  if (reason instanceof FirstTokenTimeout) {
    return createProviderError({
      provider,
      kind: 'timeout',
      model,
      detail: `no first token within ${reason.milliseconds} ms`,
    });
  }
  const error = options.toProviderError(thrown);
  if (error.kind !== 'model_not_found') return error;
  const available = context.catalog.list(provider).map((info) => info.id);
  if (available.length === 0) return error;
  return withAdvice(error, `Available models: ${available.join(', ')}.`);
}
