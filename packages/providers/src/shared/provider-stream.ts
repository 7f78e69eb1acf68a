import type { ChatRequest, ProviderError, ProviderName, StreamEvent } from '@catalyst/spec';
import type { ModelCatalog } from '../catalog/model-catalog.js';
import {
  DEFAULT_FIRST_TOKEN_TIMEOUT_MS,
  DEFAULT_IDLE_TIMEOUT_MS,
} from '../config/provider-settings.js';
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
  /**
   * The provider's defaults for the request's `firstTokenTimeoutMs` and `idleTimeoutMs` (from
   * its settings, i.e. the environment); absent ones fall back to the built-in defaults.
   */
  defaultTimeouts?: { firstTokenTimeoutMs?: number; idleTimeoutMs?: number };
  /** Injected for tests: waiting between retries. */
  sleep?: (milliseconds: number, signal: AbortSignal) => Promise<void>;
  /** Injected for tests: jitter source in [0, 1). */
  random?: () => number;
}

/** Abort reason when one attempt ran out of time: which of its three clocks rang. */
class AttemptTimeout extends Error {
  constructor(
    readonly clock: 'first token' | 'idle' | 'attempt',
    readonly milliseconds: number,
  ) {
    super(describeAttemptTimeout(clock, milliseconds));
  }
}

function describeAttemptTimeout(clock: AttemptTimeout['clock'], milliseconds: number): string {
  switch (clock) {
    case 'first token':
      return `no first token within ${milliseconds} ms`;
    case 'idle':
      return `the stream stalled: nothing for ${milliseconds} ms after the last chunk (idleTimeoutMs)`;
    case 'attempt':
      return `no complete answer within the attempt timeout of ${milliseconds} ms (timeoutMs)`;
    default: {
      const unreachable: never = clock;
      throw new Error(`unknown clock ${String(unreachable)}`);
    }
  }
}

/** A timeout in milliseconds, or undefined when 0 (off) or absent. */
function activeTimeout(...candidates: Array<number | undefined>): number | undefined {
  const chosen = candidates.find((value) => value !== undefined);
  return chosen === undefined || chosen <= 0 ? undefined : chosen;
}

/**
 * The one streaming loop every provider shares: opens attempts, forwards tokens the moment
 * they arrive, retries retryable errors before the first token (honouring retry-after, with
 * exponential back-off and jitter), enforces the first-token, idle, attempt and total timeouts, assembles tool
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
  const firstTokenTimeout = activeTimeout(
    request.firstTokenTimeoutMs,
    options.defaultTimeouts?.firstTokenTimeoutMs,
    DEFAULT_FIRST_TOKEN_TIMEOUT_MS,
  );
  const idleTimeout = activeTimeout(
    request.idleTimeoutMs,
    options.defaultTimeouts?.idleTimeoutMs,
    DEFAULT_IDLE_TIMEOUT_MS,
  );
  const attemptTimeout = activeTimeout(request.attemptTimeoutMs);

  for (let attempt = 0; ; attempt += 1) {
    // The attempt's signal: its own clocks abort it, and the call's abort is forwarded to it (not
    // AbortSignal.any, which cost ~15 µs a call in weak references). Removed with the clocks.
    const attemptController = new AbortController();
    const signal = attemptController.signal;
    const forwardAbort = () => attemptController.abort(callSignal.reason);
    if (callSignal.aborted) forwardAbort();
    else callSignal.addEventListener('abort', forwardAbort, { once: true });
    let watchdog: ReturnType<typeof setTimeout> | undefined;
    // One watchdog per attempt: first the first-token clock, then, from the first token on, the
    // idle clock re-armed by every chunk. No provider can hold a stream open in silence.
    const arm = (clock: 'first token' | 'idle', milliseconds: number | undefined) => {
      if (watchdog !== undefined) clearTimeout(watchdog);
      watchdog =
        milliseconds === undefined
          ? undefined
          : setTimeout(
              () => attemptController.abort(new AttemptTimeout(clock, milliseconds)),
              milliseconds,
            );
    };
    arm('first token', firstTokenTimeout);
    const attemptTimer =
      attemptTimeout === undefined
        ? undefined
        : setTimeout(
            () => attemptController.abort(new AttemptTimeout('attempt', attemptTimeout)),
            attemptTimeout,
          );
    const stopClocks = () => {
      if (watchdog !== undefined) clearTimeout(watchdog);
      if (attemptTimer !== undefined) clearTimeout(attemptTimer);
      watchdog = undefined;
      callSignal.removeEventListener('abort', forwardAbort);
    };
    const state = new StreamState();
    let started = false;

    try {
      const iterator = options.open(signal)[Symbol.asyncIterator]();
      const reader = new AbortableReader(iterator, signal);
      try {
        while (true) {
          const next = await reader.next();
          if (next.done) break;
          const part = next.value;
          const isToken =
            (part.type === 'text' && part.text !== '') || part.type === 'tool-call-delta';
          if (started || isToken) arm('idle', idleTimeout);
          switch (part.type) {
            case 'text':
              if (part.text === '') break;
              started = true;
              state.text += part.text;
              yield { type: 'token', text: part.text };
              break;
            case 'tool-call-delta': {
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
        reader.release();
        stopClocks();
        // Closing the SDK iterator releases the connection when the consumer stopped early.
        // Not awaited: an iterator blocked on a stalled socket must not hold the caller.
        iterator.return?.()?.catch(() => {});
      }
    } catch (thrown) {
      // Also when `open` threw before the clocks' own `finally`.
      stopClocks();
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

/**
 * Reads an attempt's iterator, each `next()` rejecting as soon as `signal` aborts (an SDK
 * blocked on a stalled socket must not hold the stream). One abort listener per attempt, not
 * one added and removed per chunk.
 */
class AbortableReader<T> {
  private pending: ((error: unknown) => void) | undefined;
  private readonly onAbort = () => this.pending?.(this.signal.reason);

  constructor(
    private readonly iterator: AsyncIterator<T>,
    private readonly signal: AbortSignal,
  ) {
    signal.addEventListener('abort', this.onAbort, { once: true });
  }

  next(): Promise<IteratorResult<T>> {
    if (this.signal.aborted) return Promise.reject(this.signal.reason);
    return new Promise((resolve, reject) => {
      this.pending = reject;
      this.iterator.next().then(
        (value) => {
          this.pending = undefined;
          resolve(value);
        },
        (error: unknown) => {
          this.pending = undefined;
          reject(error);
        },
      );
    });
  }

  /** Stops listening; the attempt is over. */
  release(): void {
    this.pending = undefined;
    this.signal.removeEventListener('abort', this.onAbort);
  }
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
  if (reason instanceof AttemptTimeout) {
    return createProviderError({ provider, kind: 'timeout', model, detail: reason.message });
  }
  const error = options.toProviderError(thrown);
  if (error.kind !== 'model_not_found') return error;
  const available = context.catalog.list(provider).map((info) => info.id);
  if (available.length === 0) return error;
  return withAdvice(error, `Available models: ${available.join(', ')}.`);
}
