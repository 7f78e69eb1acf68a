import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createEmbeddingCache, type EmbeddingCache, ModelCatalog } from '@catalyst/providers';
import type {
  JsonValue,
  WorkflowDefinition,
  WorkflowDoneEvent,
  WorkflowEvent,
} from '@catalyst/spec';
import { Hono } from 'hono';
import { executeWorkflow, startWorkflowRun } from '../execute-workflow.js';
import type { NodeExecutor, ProviderResolver } from '../executors/node-executor.js';
import { preparedWorkflow } from '../prepare-workflow.js';
import { createRouterState } from '../router/create-router-state.js';
import type { RouterState } from '../router/router-state.js';
import { startRunTrace } from '../telemetry/run-trace.js';
import { createOtlpTelemetry, type Telemetry, tracingRequested } from '../telemetry/telemetry.js';
import { contextFromTraceparent } from '../telemetry/trace-context.js';
import { tracedProviders } from '../telemetry/traced-providers.js';
import { validateInput } from '../validate-input.js';
import { createApiKeyCheck } from './api-key-check.js';
import { createDirectRoutes } from './direct-routes.js';
import { errorKindOf, errorResponse, statusForRunError } from './error-response.js';
import {
  type EventStreamSource,
  eventStreamHeaders,
  eventStreamResponse,
  writeEventStream,
} from './event-stream-response.js';
import type { GatewayConfig } from './gateway-config.js';
import { createOpenAIGateway, openAIError } from './openai-gateway.js';
import { openApiDocument } from './openapi-document.js';
import { readJsonBody } from './read-json-body.js';
import { RedisRunEventStore } from './redis-run-event-store.js';
import type { RequestLogRecord, ServerLogger } from './request-log.js';
import {
  acceptedRequestId,
  addAnswerHeaders,
  newRequestState,
  type RequestState,
} from './request-state.js';
import {
  createResumableStreams,
  DEFAULT_STREAM_RECONNECT_MS,
  DEFAULT_STREAM_RETAINED_EVENTS,
  DEFAULT_STREAM_RETENTION_MS,
} from './resumable-streams.js';
import { isRunId, parseEventId } from './run-event-id.js';
import type { RunCursor, RunEventStore, RunRecord } from './run-event-store.js';
import { DEFAULT_SERVER_LIMITS, type ServerLimits } from './server-limits.js';
import {
  toUIMessageChunks,
  uiInputMissing,
  uiMessageStreamResponse,
  uiRequestInput,
} from './ui-message-stream.js';

/** What a Catalyst server serves and how it reaches providers. */
export interface CatalystAppOptions {
  /** Validated workflows; their ids name the routes. */
  workflows: WorkflowDefinition[];
  providers: ProviderResolver;
  environment: Record<string, string | undefined>;
  /** Silence before a keep-alive comment; default 15 s. */
  keepAliveMs?: number;
  executors?: Record<string, NodeExecutor>;
  /**
   * State every `llmRouter` of this app shares across runs; default: Redis when `REDIS_URL` is in
   * `environment` (shared with other servers), else this process's memory.
   */
  routerState?: RouterState;
  /**
   * The embeddings cache this app's runs share; null for none. Default: a new one per app, Redis
   * when `environment.REDIS_URL` is set, else an in-memory LRU.
   */
  embeddingCache?: EmbeddingCache | null;
  /** Input limits; each absent field takes its default (DEFAULT_SERVER_LIMITS). */
  limits?: Partial<ServerLimits>;
  /**
   * Accepted `Authorization: Bearer` keys; empty or absent: no authentication. `GET /health`
   * stays open so load balancers can probe.
   */
  apiKeys?: readonly string[];
  /** Origins allowed to call from a browser (`*` for any); empty or absent: CORS off. */
  corsOrigins?: readonly string[];
  /** Where the access log and errors go; absent: nothing is logged. */
  logger?: ServerLogger;
  /** Injected for tests: request ids for requests without a usable `X-Request-Id`. */
  createRequestId?: () => string;
  /** Injected for tests: the clock in milliseconds. */
  now?: () => number;
  /**
   * How long a streamed run's events stay resumable (`Last-Event-ID`) after it ended; default
   * DEFAULT_STREAM_RETENTION_MS (5 minutes).
   */
  streamRetentionMs?: number;
  /**
   * How long a streamed run keeps running after its last reader went away, waiting for a
   * reconnect; 0 stops it at once. Default DEFAULT_STREAM_RECONNECT_MS (15 s).
   */
  streamReconnectMs?: number;
  /**
   * Events of finished runs kept in memory for resuming, at most; the oldest finished runs are
   * forgotten first. Default DEFAULT_STREAM_RETAINED_EVENTS (200,000).
   */
  streamRetainedEvents?: number;
  /**
   * Where runs are shared with other servers for resuming; null for nowhere. Default: Redis when
   * `environment.REDIS_URL` is set, else none (runs resume on this server only).
   */
  runEventStore?: RunEventStore | null;
  /** Injected for tests: ids of new runs. */
  createRunId?: () => string;
  /** Named models of the OpenAI gateway: aliases and router routes (docs/gateway.md). */
  gateway?: GatewayConfig;
  /**
   * Where spans go; null for none. Default: OTLP/HTTP when `environment` sets
   * `OTEL_EXPORTER_OTLP_ENDPOINT` (or `…_TRACES_ENDPOINT`), else none (docs/telemetry.md).
   */
  telemetry?: Telemetry | null;
}

/** A `fetch(Request) → Response` application: runs on Node, Bun, Deno or serverless alike. */
export interface CatalystApp {
  /**
   * Answers one request. Given Node's `outgoing` response (as `serveNode` does), event streams
   * are written to it directly and the answer is `node.alreadySent`, which tells the adapter
   * the response is out.
   */
  fetch(request: Request, node?: NodeTarget): Promise<Response> | Response;
  /**
   * Answers the hot routes (`POST /workflows/{id}/run` and `/stream`) on Node's request and
   * response directly, the same bytes as `fetch` would send (see `createDirectRoutes`); false
   * when the request is not one of them and goes to `fetch` instead. `serveNode` calls it first.
   */
  handleNode?(incoming: IncomingMessage, outgoing: ServerResponse): boolean;
  /**
   * Graceful shutdown: from now on every new request gets 503 with `Retry-After`; runs in flight
   * may finish within `graceMs`, then those left end with a retryable `unavailable` error event
   * (a 503 for `/run`). Resolves when every run has ended.
   */
  drain(options: { graceMs: number }): Promise<void>;
  /** Runs in flight right now. */
  inFlight(): number;
  /** Releases what the app holds (the router's Redis connection). */
  close(): Promise<void>;
}

/** Node's response for a request, for writing event streams without web streams. */
export interface NodeTarget {
  outgoing?: ServerResponse;
  /** The answer that tells the server adapter the response was written already. */
  alreadySent?: Response;
}

/**
 * Records the event stream a route answers with and returns its headers as a bodiless
 * response; `handle` sends the stream itself (see `RequestState.eventStream`).
 */
function eventStreamPlaceholder(
  state: RequestState,
  source: EventStreamSource & { request: Request },
): Response {
  state.eventStream = source;
  return new Response(null, { status: 200, headers: eventStreamHeaders(source) });
}

/** The terminal event of a run that the server's shutdown cut short. */
const SHUTDOWN_ERROR: WorkflowEvent = {
  type: 'error',
  kind: 'unavailable',
  message: 'the server is shutting down; retry the request',
  retryable: true,
};

/** Seconds a client should wait before retrying a request refused during shutdown. */
const SHUTDOWN_RETRY_AFTER_SECONDS = '5';

/** The methods each route answers, for 405 and `Allow`; HEAD goes wherever GET does. */
function allowedMethods(pathname: string): string[] | undefined {
  if (pathname === '/health' || pathname === '/workflows' || pathname === '/openapi.json') {
    return ['GET', 'HEAD'];
  }
  if (/^\/workflows\/[^/]+\/(run|stream|ui)$/.test(pathname)) return ['POST'];
  if (/^\/workflows\/[^/]+\/runs\/[^/]+\/stream$/.test(pathname)) return ['GET', 'HEAD'];
  if (pathname === '/v1/chat/completions' || pathname === '/v1/embeddings') return ['POST'];
  if (pathname === '/v1/models') return ['GET', 'HEAD'];
  return undefined;
}

/**
 * The HTTP API of DESIGN.md: `GET /health`, `GET /workflows`, `GET /openapi.json`,
 * `POST /workflows/{id}/run` (JSON) and `POST /workflows/{id}/stream` (Server-Sent Events).
 *
 * @example
 * const app = createCatalystApp({ workflows: [chat], providers, environment: process.env });
 * const response = await app.fetch(new Request('http://local/workflows/chat/run', { method: 'POST', body: '{"question":"Hi"}' }));
 */
export function createCatalystApp(options: CatalystAppOptions): CatalystApp {
  const byId = new Map(options.workflows.map((workflow) => [workflow.id, workflow]));
  const keepAliveMs = options.keepAliveMs ?? 15_000;
  const embeddingCache =
    options.embeddingCache !== undefined
      ? options.embeddingCache
      : createEmbeddingCache({ environment: options.environment });
  const routerState =
    options.routerState ?? createRouterState({ environment: options.environment });
  const limits: ServerLimits = { ...DEFAULT_SERVER_LIMITS, ...options.limits };
  const checkApiKey =
    options.apiKeys !== undefined && options.apiKeys.length > 0
      ? createApiKeyCheck(options.apiKeys)
      : undefined;
  const corsOrigins = new Set(options.corsOrigins ?? []);
  const now = options.now ?? Date.now;
  const createRequestId = options.createRequestId ?? randomUUID;
  const logger = options.logger;
  // Tracing: given, or from the standard OTEL_* variables (the SDK is loaded only then).
  const ownTelemetry = options.telemetry === undefined;
  const telemetryReady: Promise<Telemetry | undefined> =
    options.telemetry !== undefined
      ? Promise.resolve(options.telemetry ?? undefined)
      : tracingRequested(options.environment)
        ? createOtlpTelemetry({ environment: options.environment }).catch((error: unknown) => {
            logger?.message('error', 'tracing is off: the OpenTelemetry exporter did not start', {
              error: error instanceof Error ? error.message : String(error),
            });
            return undefined;
          })
        : Promise.resolve(undefined);
  const retentionMs = options.streamRetentionMs ?? DEFAULT_STREAM_RETENTION_MS;
  const sharedRuns =
    options.runEventStore !== undefined
      ? (options.runEventStore ?? undefined)
      : options.environment.REDIS_URL
        ? new RedisRunEventStore({ url: options.environment.REDIS_URL, retentionMs })
        : undefined;
  const retainedEvents = options.streamRetainedEvents ?? DEFAULT_STREAM_RETAINED_EVENTS;
  const streams = createResumableStreams({
    retentionMs,
    retainedEvents,
    reconnectMs: options.streamReconnectMs ?? DEFAULT_STREAM_RECONNECT_MS,
    ...(sharedRuns !== undefined && { shared: sharedRuns }),
    ...(options.createRunId !== undefined && { createRunId: options.createRunId }),
  });
  // Shutdown: `stopping` refuses new work; `shutdown` aborts what is left after the grace period.
  let stopping = false;
  const shutdown = new AbortController();
  /** One controller per run in flight, aborted by the shutdown (see `run`). */
  const runStoppers = new Set<AbortController>();
  const running = new Set<Promise<void>>();
  const app = new Hono<{ Bindings: { state: RequestState } }>();

  app.get('/health', (context) => context.json({ status: 'ok', workflows: byId.size }));
  app.get('/workflows', (context) =>
    context.json({
      workflows: options.workflows.map((workflow) => ({
        id: workflow.id,
        name: workflow.name,
        description: workflow.description ?? null,
        input: workflow.input,
      })),
    }),
  );
  app.get('/openapi.json', (context) => context.json(openApiDocument(options.workflows)));

  /** Resolves the workflow and its input, or the 4xx answer that says what is wrong. */
  const prepare = async (
    request: Request,
    id: string,
    inputOf?: (workflow: WorkflowDefinition, body: JsonValue) => JsonValue | Response,
  ): Promise<{ workflow: WorkflowDefinition; input: JsonValue } | Response> => {
    const workflow = byId.get(id);
    if (!workflow) {
      const known = [...byId.keys()].map((name) => `"${name}"`).join(', ') || 'none';
      return errorResponse(404, {
        kind: 'not_found',
        message: `no workflow "${id}"; this server runs: ${known}`,
      });
    }
    const body = await readJsonBody(request, limits);
    if (body instanceof Response) return body;
    const input = inputOf ? inputOf(workflow, body.input) : body.input;
    if (input instanceof Response) return input;
    const problem = checkInput(workflow, input);
    return problem ?? { workflow, input };
  };

  /** The 422 that says where `input` does not match the workflow's input schema, if it does not. */
  const checkInput = (workflow: WorkflowDefinition, input: JsonValue): Response | undefined => {
    const problems = validateInput(workflow.input, input);
    if (problems.length === 0) return undefined;
    const summary = problems
      .map((problem) => `${problem.path || '(input)'} ${problem.message}`)
      .join('; ');
    return errorResponse(422, {
      kind: 'invalid_input',
      message: `the input does not match the input schema of workflow "${workflow.id}": ${summary}`,
      problems,
    });
  };

  /**
   * Counts a run in flight until `end`, ties it to the caller's signal and the server's shutdown,
   * and observes its events for the access log and the trace; `observe` returns the event to
   * hand on (the shutdown's retryable `unavailable` error instead of `aborted`).
   */
  async function trackRun(workflow: WorkflowDefinition, signal: AbortSignal, state: RequestState) {
    state.workflow = workflow.id;
    let finished: () => void = () => {};
    const tracked = new Promise<void>((resolve) => {
      finished = resolve;
    });
    running.add(tracked);
    // The run stops when its caller's signal aborts or the shutdown cuts it short. Not
    // AbortSignal.any([signal, shutdown.signal]): Node keeps a WeakRef to every signal combined
    // with a long-lived one for as long as that one lives (nodejs/node#55351, #64476), which the
    // soak showed as a live heap growing by three WeakRefs per request.
    const stop = new AbortController();
    const stopRun = () => stop.abort(signal.reason);
    signal.addEventListener('abort', stopRun, { once: true });
    if (signal.aborted) stopRun();
    runStoppers.add(stop);
    const telemetry = await telemetryReady;
    const runTrace = telemetry
      ? startRunTrace({
          telemetry,
          workflow,
          providers: options.providers,
          traceparent: state.traceparent,
          tracestate: state.tracestate,
        })
      : undefined;
    let ended = false;
    return {
      signal: stop.signal,
      providersForNode: runTrace?.providersForNode,
      observe(event: WorkflowEvent): WorkflowEvent {
        if (event.type === 'token') {
          if (state.firstTokenAt === null) state.firstTokenAt = now();
        } else if (event.type === 'done') {
          state.tokens = event.tokenCount;
          state.costUsd = event.cost?.totalUsd ?? null;
        } else if (event.type === 'error') {
          const terminal = shutdown.signal.aborted && !signal.aborted ? SHUTDOWN_ERROR : event;
          state.errorKind = terminal.type === 'error' ? terminal.kind : null;
          runTrace?.observe(terminal);
          return terminal;
        }
        runTrace?.observe(event);
        return event;
      },
      end() {
        if (ended) return;
        ended = true;
        signal.removeEventListener('abort', stopRun);
        runStoppers.delete(stop);
        runTrace?.end();
        running.delete(tracked);
        finished();
      },
    };
  }

  /** What `executeWorkflow` needs for one of this app's runs. */
  const runOptions = (
    workflow: WorkflowDefinition,
    input: JsonValue,
    tracked: Awaited<ReturnType<typeof trackRun>>,
  ) => ({
    workflow,
    // The served workflows never change: each is prepared for runs once.
    prepared: preparedWorkflow(workflow),
    input,
    signal: tracked.signal,
    providers: options.providers,
    environment: options.environment,
    routerState,
    ...(options.executors !== undefined && { executors: options.executors }),
    embeddingCache,
    ...(tracked.providersForNode !== undefined && {
      providersForNode: tracked.providersForNode,
    }),
  });

  /** One run as an iterable of events (see `trackRun`), for consumers that pull. */
  async function* run(
    workflow: WorkflowDefinition,
    input: JsonValue,
    signal: AbortSignal,
    state: RequestState,
  ): AsyncGenerator<WorkflowEvent> {
    const tracked = await trackRun(workflow, signal, state);
    try {
      for await (const event of executeWorkflow(runOptions(workflow, input, tracked))) {
        yield tracked.observe(event);
      }
    } finally {
      tracked.end();
    }
  }

  /**
   * One run pushing its events to `onEvent` (see `trackRun`), which handles each synchronously:
   * no generator or promise per event between the workflow and the run store or `/run`'s
   * answer. Resolves after the terminal event.
   */
  async function runInto(
    workflow: WorkflowDefinition,
    input: JsonValue,
    signal: AbortSignal,
    state: RequestState,
    onEvent: (event: WorkflowEvent) => void,
  ): Promise<void> {
    const tracked = await trackRun(workflow, signal, state);
    try {
      await new Promise<void>((resolve) => {
        startWorkflowRun({
          ...runOptions(workflow, input, tracked),
          onEvent: (event) => onEvent(tracked.observe(event)),
          onEnd: resolve,
        });
      });
    } finally {
      tracked.end();
    }
  }

  /**
   * Runs a workflow for `POST /workflows/{id}/run`: the result (the `done` event without its
   * type), or the error answer of a run that failed.
   */
  const runForResult = async (
    workflow: WorkflowDefinition,
    input: JsonValue,
    signal: AbortSignal,
    state: RequestState,
  ): Promise<{ result: Omit<WorkflowDoneEvent, 'type'> } | Response> => {
    let terminal: WorkflowEvent | undefined;
    await runInto(workflow, input, signal, state, (event) => {
      if (event.type === 'done' || event.type === 'error') terminal = event;
    });
    if (terminal?.type === 'done') {
      const { type: _type, ...result } = terminal;
      return { result };
    }
    if (terminal?.type === 'error') {
      const { type: _type, ...error } = terminal;
      const response = errorResponse(statusForRunError(terminal.kind), error);
      if (terminal.kind === 'unavailable') {
        response.headers.set('retry-after', SHUTDOWN_RETRY_AFTER_SECONDS);
      }
      return response;
    }
    return errorResponse(500, { kind: 'internal', message: 'the run ended without a result' });
  };

  /** Starts a streamed run for `POST /workflows/{id}/stream`; what its event stream sends. */
  const startStream = (
    workflow: WorkflowDefinition,
    input: JsonValue,
    state: RequestState,
    closeConnection: boolean,
  ): EventStreamSource => {
    state.streaming = true;
    const runId = streams.start({
      workflowId: workflow.id,
      produce: ({ signal, emit }) => runInto(workflow, input, signal, state, emit),
    });
    return {
      runId,
      events: (signal) => readRun({ runId, workflowId: workflow.id, after: 0, signal }),
      keepAliveMs,
      closeConnection,
    };
  };

  app.post('/workflows/:id/run', async (context) => {
    const prepared = await prepare(context.req.raw, context.req.param('id'));
    if (prepared instanceof Response) return prepared;
    const answer = await runForResult(
      prepared.workflow,
      prepared.input,
      context.req.raw.signal,
      context.env.state,
    );
    return answer instanceof Response ? answer : context.json(answer.result);
  });

  app.post('/workflows/:id/stream', async (context) => {
    const lastEventId = context.req.header('last-event-id');
    // A reconnect follows the run it names; its body (the request sent again) is not read.
    if (lastEventId !== undefined) {
      return resume(context.req.raw, context.env.state, context.req.param('id'), lastEventId);
    }
    const prepared = await prepare(context.req.raw, context.req.param('id'));
    if (prepared instanceof Response) return prepared;
    const state = context.env.state;
    const closeConnection = (context.req.header('connection') ?? '').toLowerCase() === 'close';
    return eventStreamPlaceholder(state, {
      ...startStream(prepared.workflow, prepared.input, state, closeConnection),
      // Its signal (the client went away) only on the fetch-style path: Node's uses the socket.
      request: context.req.raw,
    });
  });

  // The AI SDK UI message stream, for `useChat` (docs/ui-message-stream.md).
  app.post('/workflows/:id/ui', async (context) => {
    const prepared = await prepare(
      context.req.raw,
      context.req.param('id'),
      (workflow, body) => uiRequestInput(workflow, body) ?? uiInputMissing(workflow),
    );
    if (prepared instanceof Response) return prepared;
    const state = context.env.state;
    state.streaming = true;
    const cancelled = new AbortController();
    const signal = AbortSignal.any([context.req.raw.signal, cancelled.signal]);
    return uiMessageStreamResponse({
      chunks: toUIMessageChunks(run(prepared.workflow, prepared.input, signal, state)),
      onCancel: () => cancelled.abort(),
    });
  });

  // For EventSource, which can only GET: the run's events from the start, or after its
  // Last-Event-ID when it reconnects.
  app.get('/workflows/:id/runs/:runId/stream', (context) =>
    resume(
      context.req.raw,
      context.env.state,
      context.req.param('id'),
      context.req.header('last-event-id') ?? `${context.req.param('runId')}:0`,
      context.req.param('runId'),
    ),
  );

  /**
   * A run's events after `after`, or one `expired` error when no store holds the run. The
   * store's own cursor or iterable is handed on as it is (no generator in between).
   */
  async function readRun(options: {
    runId: string;
    workflowId: string;
    after: number;
    signal: AbortSignal;
  }): Promise<AsyncIterable<RunRecord> | RunCursor | RunRecord[]> {
    const records = await streams.open(options);
    if (records !== undefined) return records;
    return [
      {
        seq: options.after + 1,
        event: {
          type: 'error',
          kind: 'expired',
          message: `run "${options.runId}" of workflow "${options.workflowId}" cannot be resumed: this server keeps a finished run's events for ${retentionMs / 1000} s (and at most ${retainedEvents} events of finished runs) and has none for it; start a new run`,
          retryable: false,
        },
      },
    ];
  }

  /** Answers a reconnect: the rest of the run named by `lastEventId`, replayed then live. */
  const resume = (
    request: Request,
    state: RequestState,
    workflowId: string,
    lastEventId: string,
    expectedRunId?: string,
  ): Response => {
    // A path that cannot name a run names nothing: 404, as for any other unknown resource.
    if (expectedRunId !== undefined && !isRunId(expectedRunId)) {
      return errorResponse(404, {
        kind: 'not_found',
        message: `no run "${expectedRunId}" of workflow "${workflowId}": a run id is 1 to 128 letters, digits, "_" or "-"`,
      });
    }
    const parsed = parseEventId(lastEventId);
    if (parsed === undefined || (expectedRunId !== undefined && parsed.runId !== expectedRunId)) {
      return errorResponse(400, {
        kind: 'invalid_last_event_id',
        message:
          'Last-Event-ID must be the id of an event of this run, "RUN_ID:SEQUENCE" as sent in the stream',
      });
    }
    if (!byId.has(workflowId)) {
      const known = [...byId.keys()].map((name) => `"${name}"`).join(', ') || 'none';
      return errorResponse(404, {
        kind: 'not_found',
        message: `no workflow "${workflowId}"; this server runs: ${known}`,
      });
    }
    state.workflow = workflowId;
    state.streaming = true;
    return eventStreamPlaceholder(state, {
      runId: parsed.runId,
      events: (signal) => readRun({ runId: parsed.runId, workflowId, after: parsed.seq, signal }),
      request,
      keepAliveMs,
      closeConnection: (request.headers.get('connection') ?? '').toLowerCase() === 'close',
    });
  };

  // The OpenAI-compatible gateway (docs/gateway.md); its workflow runs are this app's runs.
  const catalog = ModelCatalog.default();
  const gatewayFor = async (state: RequestState) => {
    const telemetry = await telemetryReady;
    return createOpenAIGateway({
      workflows: options.workflows,
      // Direct provider calls get their spans under the caller's trace context.
      providers: telemetry
        ? tracedProviders({
            providers: options.providers,
            telemetry,
            parent: contextFromTraceparent(state.traceparent, state.tracestate),
          })
        : options.providers,
      limits,
      catalog,
      ...(options.gateway !== undefined && { gateway: options.gateway }),
      runWorkflow: (workflow, input, signal) => run(workflow, input, signal, state),
    });
  };
  app.post('/v1/chat/completions', async (context) =>
    (await gatewayFor(context.env.state)).chatCompletions(context.req.raw),
  );
  app.post('/v1/embeddings', async (context) =>
    (await gatewayFor(context.env.state)).embeddings(context.req.raw),
  );
  app.get('/v1/models', async (context) => (await gatewayFor(context.env.state)).models());

  app.notFound((context) =>
    errorResponse(404, {
      kind: 'not_found',
      message: `no route ${context.req.method} ${new URL(context.req.url).pathname}; see GET /openapi.json`,
    }),
  );
  /** The answer to an error nobody expected: logged, then a 500 that says what it was. */
  const unexpected = (error: unknown): Response => {
    logger?.message('error', 'unexpected error while answering a request', {
      error: error instanceof Error ? error.message : String(error),
      ...(error instanceof Error && error.stack !== undefined && { stack: error.stack }),
    });
    return errorResponse(500, {
      kind: 'internal',
      message: error instanceof Error ? error.message : String(error),
    });
  };
  app.onError(unexpected);

  /** The checks before any route: URL length, shutdown, CORS preflight, 405, authentication. */
  const gate = (request: Request, url: URL): Response | undefined => {
    if (Buffer.byteLength(url.pathname + url.search) > limits.maxUrlBytes) {
      return errorResponse(414, {
        kind: 'uri_too_long',
        message: `the request URL is longer than the limit of ${limits.maxUrlBytes} bytes`,
      });
    }
    if (stopping) {
      const response = errorResponse(503, {
        kind: 'unavailable',
        message: 'the server is shutting down; retry the request',
      });
      response.headers.set('retry-after', SHUTDOWN_RETRY_AFTER_SECONDS);
      response.headers.set('connection', 'close');
      return response;
    }
    const allowed = allowedMethods(url.pathname);
    const origin = request.headers.get('origin');
    const corsAllowed = origin !== null && (corsOrigins.has(origin) || corsOrigins.has('*'));
    if (
      request.method === 'OPTIONS' &&
      corsOrigins.size > 0 &&
      request.headers.has('access-control-request-method')
    ) {
      const wanted = request.headers.get('access-control-request-method') ?? '';
      if (!corsAllowed || allowed === undefined || !allowed.includes(wanted)) {
        return errorResponse(403, {
          kind: 'forbidden',
          message: 'this origin or method may not call this server from a browser',
        });
      }
      return new Response(null, {
        status: 204,
        headers: {
          'access-control-allow-origin': origin ?? '',
          'access-control-allow-methods': allowed.join(', '),
          'access-control-allow-headers':
            'authorization, content-type, last-event-id, x-request-id',
          'access-control-max-age': '600',
          vary: 'Origin',
        },
      });
    }
    if (allowed !== undefined && !allowed.includes(request.method)) {
      const response = errorResponse(405, {
        kind: 'method_not_allowed',
        message: `${request.method} is not allowed on ${url.pathname}; allowed: ${allowed.join(', ')}`,
      });
      response.headers.set('allow', allowed.join(', '));
      return response;
    }
    if (
      checkApiKey &&
      url.pathname !== '/health' &&
      !checkApiKey(request.headers.get('authorization'))
    ) {
      const response = errorResponse(401, {
        kind: 'unauthorized',
        message: 'this server needs an API key: send the header "Authorization: Bearer KEY"',
      });
      response.headers.set('www-authenticate', 'Bearer');
      return response;
    }
    return undefined;
  };

  const log = (
    record: Omit<RequestLogRecord, 'time' | 'level' | 'durationMs'>,
    startedAt: number,
  ) => {
    if (!logger) return;
    logger.request({
      time: new Date(startedAt).toISOString(),
      level: record.status >= 500 ? 'error' : record.status >= 400 ? 'warn' : 'info',
      ...record,
      durationMs: now() - startedAt,
      timeToFirstTokenMs:
        record.timeToFirstTokenMs === null ? null : record.timeToFirstTokenMs - startedAt,
    });
  };

  const handle = async (request: Request, node?: NodeTarget): Promise<Response> => {
    const startedAt = now();
    const url = new URL(request.url);
    const requestId = acceptedRequestId(request.headers.get('x-request-id')) ?? createRequestId();
    const state = newRequestState({
      traceparent: request.headers.get('traceparent'),
      tracestate: request.headers.get('tracestate'),
    });
    const isHead = request.method === 'HEAD';
    let response =
      gate(request, url) ??
      (await app.fetch(isHead ? new Request(request, { method: 'GET' }) : request, { state }));
    if (url.pathname.startsWith('/v1/')) response = await asOpenAIError(response);
    const eventStream = state.eventStream;
    const direct = eventStream !== undefined && !isHead ? node : undefined;
    if (eventStream !== undefined && direct?.outgoing === undefined) {
      // The fetch-style path: the stream becomes a web ReadableStream body.
      response = eventStreamResponse({ ...eventStream, signal: eventStream.request.signal });
    }
    if (isHead) {
      response = new Response(null, response);
    } else {
      try {
        response.headers.set('x-request-id', requestId);
      } catch {
        // Headers of a Response from fetch() are immutable; a copy's are not. Only then copied:
        // reading `body` turns Node's lightweight answer into a web stream.
        response = new Response(response.body, response);
      }
    }
    addAnswerHeaders(response.headers, {
      requestId,
      origin: request.headers.get('origin'),
      corsOrigins,
    });
    const refusedKind = state.streaming ? null : await errorKindOf(response);
    const record = () => ({
      requestId,
      method: request.method,
      path: url.pathname,
      workflow: state.workflow,
      status: response.status,
      timeToFirstTokenMs: state.firstTokenAt,
      tokens: state.tokens,
      costUsd: state.costUsd,
      errorKind: state.errorKind ?? refusedKind,
    });
    if (eventStream !== undefined && direct?.outgoing && direct.alreadySent) {
      writeEventStream({
        source: eventStream,
        outgoing: direct.outgoing,
        status: response.status,
        headers: response.headers,
        onEnd: () => log(record(), startedAt),
      });
      return direct.alreadySent;
    }
    if (!state.streaming || response.body === null) {
      log(record(), startedAt);
      return response;
    }
    // Log when the stream ends (its terminal event sent, or the client gone).
    const logged = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        flush: () => log(record(), startedAt),
      }),
    );
    const streamed = new Response(logged, response);
    return streamed;
  };

  const drain = async ({ graceMs }: { graceMs: number }) => {
    stopping = true;
    if (running.size > 0) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        Promise.all([...running]),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, graceMs);
        }),
      ]);
      clearTimeout(timer);
    }
    if (running.size > 0) {
      logger?.message('warn', 'grace period over: ending the runs still in flight', {
        runs: running.size,
      });
      shutdown.abort();
      for (const stop of runStoppers) stop.abort(shutdown.signal.reason);
      await Promise.all([...running]);
    }
  };

  const handleNode = createDirectRoutes({
    workflows: byId,
    limits,
    checkApiKey,
    corsOrigins,
    stopping: () => stopping,
    now,
    createRequestId,
    checkInput,
    runForResult,
    startStream,
    log,
    failed: unexpected,
  });

  return {
    fetch: handle,
    handleNode,
    drain,
    inFlight: () => running.size,
    // A state passed in belongs to the caller, who closes it.
    close: async () => {
      if (options.routerState === undefined) await routerState.close();
      await streams.close();
      // Flush the spans still buffered; telemetry passed in belongs to the caller.
      if (ownTelemetry) await (await telemetryReady)?.shutdown();
      // A store passed in belongs to the caller too.
      if (options.runEventStore === undefined) await sharedRuns?.close();
    },
  };
}

/**
 * Under `/v1/` every error has OpenAI's shape, so the SDKs raise their typed exceptions: a
 * Catalyst `{"error": {"kind", "message"}}` (from the checks every route shares) becomes
 * `{"error": {"message", "type", "param": null, "code": KIND}}`.
 */
async function asOpenAIError(response: Response): Promise<Response> {
  if (response.status < 400) return response;
  let body: { error?: { kind?: unknown; message?: unknown } };
  try {
    body = (await response.clone().json()) as typeof body;
  } catch {
    return response;
  }
  if (typeof body.error?.kind !== 'string') return response;
  const type =
    response.status === 401
      ? 'authentication_error'
      : response.status === 403
        ? 'permission_error'
        : response.status === 429
          ? 'rate_limit_error'
          : response.status >= 500
            ? 'server_error'
            : 'invalid_request_error';
  const converted = openAIError(response.status, String(body.error.message), type, body.error.kind);
  for (const [name, value] of response.headers) {
    if (name !== 'content-type' && name !== 'content-length') converted.headers.set(name, value);
  }
  return converted;
}
