import type { EmbeddingCache } from '@catalyst/providers';
import {
  addCosts,
  type Cost,
  type JsonValue,
  type NodeUsage,
  type WorkflowDefinition,
  type WorkflowErrorEvent,
  type WorkflowEvent,
  type WorkflowNode,
  type WorkflowWarning,
} from '@catalyst/spec';
import { ExpressionError } from '@catalyst/workflow';
import { AsyncQueue } from './async-queue.js';
import { defaultEmbeddingCache } from './executors/default-embedding-cache.js';
import { EXECUTORS } from './executors/executors.js';
import type {
  NodeExecutor,
  NodeResult,
  ProviderResolver,
  UpstreamValue,
} from './executors/node-executor.js';
import { NodeFailure } from './node-failure.js';
import { type PreparedNode, type PreparedWorkflow, prepareWorkflow } from './prepare-workflow.js';
import { ReadyQueue } from './ready-queue.js';
import { expressionFailure } from './render-config-value.js';
import { MemoryRouterState, type RouterState } from './router/router-state.js';
import { createUpstreamOutputs } from './upstream-outputs.js';

/**
 * How many nodes may finish one after another without the event loop getting a turn: at most
 * {@link MAX_COMPLETIONS_PER_TURN}, fewer once {@link MAX_BUSY_MS_PER_TURN} have passed. The
 * clock is only read from {@link MIN_COMPLETIONS_PER_TURN} on, so runs of small workflows never
 * yield and keep exactly the event order they always had, whatever the machine's speed.
 */
const MIN_COMPLETIONS_PER_TURN = 32;
const MAX_COMPLETIONS_PER_TURN = 256;
const MAX_BUSY_MS_PER_TURN = 10;

/** Runs `callback` after the event loop has handled pending I/O, signals and timers. */
const nextTurn: (callback: () => void) => void =
  typeof setImmediate === 'function' ? setImmediate : (callback) => setTimeout(callback, 0);

/** Options of one run. */
export interface ExecuteWorkflowOptions {
  /** A workflow that passed validation. */
  workflow: WorkflowDefinition;
  /**
   * What runs need from `workflow` (graph, order, configs with defaults), prepared once by a
   * caller that runs the same, unchanging workflow many times — the server passes
   * `preparedWorkflow(workflow)`. Without it every run prepares the workflow afresh, so a caller
   * that edits a workflow object in place between runs always runs what it holds now.
   */
  prepared?: PreparedWorkflow;
  /** The run input, already checked against the workflow's input schema. */
  input: JsonValue;
  /** Aborting it (client gone, Ctrl-C) aborts every in-flight provider call at once. */
  signal: AbortSignal;
  providers: ProviderResolver;
  /** Where `env.NAME` values come from; only names the workflow lists are visible. */
  environment: Record<string, string | undefined>;
  /** Executors by node type; defaults to the built-in ones. */
  executors?: Record<string, NodeExecutor>;
  /**
   * The per-text embeddings cache (`embeddingGenerate`); null for none. Defaults to one shared by
   * the process: Redis when `environment.REDIS_URL` is set, else an in-memory LRU.
   */
  embeddingCache?: EmbeddingCache | null;
  /** State `llmRouter` nodes share (latency, cooldowns); a fresh in-memory one per run by default. */
  routerState?: RouterState;
  /** The clock (ms) routers measure time to first token with; `Date.now` by default. */
  now?: () => number;
  /**
   * Called as each node starts: the providers that node calls (tracing wraps them to record one
   * span per provider attempt under the node's span). Default: `providers` as they are.
   */
  providersForNode?: (node: WorkflowNode) => ProviderResolver;
  /**
   * Called for every node the scheduler and the scope lookups step on: lets tests measure the
   * run's bookkeeping without a clock (it must grow linearly with the workflow).
   */
  onVisit?: (id: string) => void;
}

/** A node's status in a run's `statuses` (pending is the array's initial zero). */
const RUNNING = 1;
const FINISHED = 2;
const SKIPPED = 3;

/**
 * Runs a workflow: independent branches concurrently, each node as soon as its inputs are
 * settled, conditional handles choosing branches. Yields events as they happen and ends with
 * exactly one `done` or `error`. Never throws.
 *
 * @example
 * for await (const event of executeWorkflow({ workflow, input, signal, providers, environment })) {
 *   if (event.type === 'token') process.stdout.write(event.text);
 * }
 */
export async function* executeWorkflow(
  options: ExecuteWorkflowOptions,
): AsyncGenerator<WorkflowEvent> {
  const queue = new AsyncQueue<WorkflowEvent>();
  let stop: (() => void) | undefined;
  try {
    // Started on the first `next()`, as the generator always did.
    stop = startWorkflowRun({
      ...options,
      onEvent: (event) => queue.push(event),
      onEnd: () => queue.close(),
    });
    yield* queue;
  } finally {
    // The consumer may have stopped early (client disconnected): stop every node still running.
    stop?.();
  }
}

/**
 * The run behind {@link executeWorkflow}, pushing each event to `onEvent` the moment it happens
 * (the same events in the same order, ending with exactly one `done` or `error`) and calling
 * `onEnd` after the terminal one. For consumers that handle an event synchronously (the server's
 * run store, `/run`): no queue, no generator and no promise between a token and its consumer.
 * Returns what stops the nodes still running when the consumer goes away before the end
 * (aborting `signal` also stops the run, with an `aborted` error). Never throws.
 *
 * @example
 * const stop = startWorkflowRun({ workflow, input, signal, providers, environment,
 *   onEvent: (event) => store.append(event), onEnd: () => {} });
 */
export function startWorkflowRun(
  options: ExecuteWorkflowOptions & {
    onEvent: (event: WorkflowEvent) => void;
    onEnd: () => void;
  },
): () => void {
  const { workflow, providers } = options;
  const executors = options.executors ?? EXECUTORS;
  // What depends only on the workflow: prepared once by a server for all its runs, or for this
  // run. The upstream query's memory of searches is the run's own, so its work is bounded per
  // run as before.
  const prepared = options.prepared ?? prepareWorkflow(workflow);
  const upstreamQuery = prepared.upstreamGraph.query({ onVisit: options.onVisit });
  const nodes = prepared.nodes;
  // Per run, by topological position: each node's status and result, and the incoming edges
  // whose source has not settled.
  const statuses = new Uint8Array(nodes.length);
  const results: Array<NodeResult | undefined> = new Array(nodes.length);
  const unsettledInputs = new Int32Array(nodes.length);
  // The nodes' signal: aborted by a failure, the consumer leaving, or the caller's signal. Not
  // AbortSignal.any: that cost ~15 µs a run (its weak references); the caller's abort is
  // forwarded by a listener instead, removed when the run ends.
  const controller = new AbortController();
  const signal = controller.signal;
  const forwardAbort = () => controller.abort(options.signal.reason);
  if (options.signal.aborted) forwardAbort();
  else options.signal.addEventListener('abort', forwardAbort, { once: true });
  // Made when the first router node starts (most workflows have none; other nodes never read it).
  let routerState = options.routerState;
  const env: Record<string, JsonValue> = {};
  for (const name of workflow.env ?? []) env[name] = options.environment[name] ?? null;
  let embeddingCache: EmbeddingCache | null | undefined = options.embeddingCache;
  let failure: WorkflowErrorEvent | undefined;
  let running = 0;
  let ended = false;
  let tokenCount = 0;
  /** Hands an event on; counts tokens for `done`. Nothing after the terminal event. */
  const push = (event: WorkflowEvent) => {
    if (ended) return;
    if (event.type === 'token') tokenCount += 1;
    options.onEvent(event);
  };
  /** What executors emit through: nothing once the run has failed. */
  const emit = (event: WorkflowEvent) => {
    if (!failure) push(event);
  };
  /** A finished node's output, for the `nodes` scopes; undefined for any other. */
  const outputOf = (id: string): JsonValue | undefined => {
    const position = prepared.positionOf.get(id);
    if (position === undefined || statuses[position] !== FINISHED) return undefined;
    return results[position]?.output;
  };
  /** Ends the run with its terminal event: the failure, or `done`. */
  const end = () => {
    if (ended) return;
    const terminal = failure ?? doneEvent(prepared, statuses, results, tokenCount);
    options.onEvent(terminal);
    ended = true;
    options.signal.removeEventListener('abort', forwardAbort);
    options.onEnd();
  };

  // Linear bookkeeping: each node counts the incoming edges whose source has not settled, and
  // starts (or is skipped) when that reaches zero, in topological position order — the order the
  // old scan of every node after each completion produced, so event streams are unchanged.
  const ready = new ReadyQueue();
  for (const node of nodes) {
    unsettledInputs[node.position] = node.incoming.length;
    if (node.incoming.length === 0) ready.push(node.position);
  }
  let settledCount = 0;
  // Nodes that finish without I/O (templates, expressions) finish in one long chain of
  // microtasks; these let the event loop take a turn now and then, so signals and timers run.
  let completionsSinceTurn = 0;
  let turnProbePending = false;
  let turnStartedAt = 0;
  let drainPending = false;

  const settle = (node: PreparedNode) => {
    settledCount += 1;
    for (const target of node.targets) {
      const count = unsettledInputs[target] as number;
      unsettledInputs[target] = count - 1;
      if (count === 1) ready.push(target);
    }
  };

  const finishIfIdle = () => {
    if (failure || running > 0) return;
    if (settledCount === nodes.length) end();
  };

  const fail = (nodeId: string, error: unknown) => {
    if (failure) return;
    failure = toErrorEvent(nodeId, error, options.signal);
    controller.abort();
    end();
  };

  /** Starts or skips every ready node, smallest topological position first. */
  const drain = () => {
    if (failure) return;
    for (let index = ready.pop(); index !== undefined; index = ready.pop()) {
      const node = nodes[index] as PreparedNode;
      options.onVisit?.(node.id);
      // Nodes without I/O never see the signal: the run stops here instead.
      if (options.signal.aborted) {
        fail(node.id, options.signal.reason);
        return;
      }
      const upstream: UpstreamValue[] = [];
      for (const edge of node.incoming) {
        const result = results[edge.fromPosition];
        if (
          statuses[edge.fromPosition] === FINISHED &&
          result !== undefined &&
          result.activeHandles.includes(edge.handle)
        ) {
          upstream.push({
            node: edge.from,
            nodeType: edge.fromType,
            handle: edge.handle,
            output: result.output,
          });
        }
      }
      if (node.incoming.length > 0 && upstream.length === 0) {
        // Every branch into this node was not taken: skip it, and so its own branch.
        statuses[index] = SKIPPED;
        push({ type: 'node', node: node.id, nodeType: node.node.type, status: 'skipped' });
        settle(node);
        continue;
      }
      start(node, upstream);
      if (failure) return;
    }
    finishIfIdle();
  };

  /** After a node finished: drain now, or after the event loop's next turn when it had none. */
  const afterCompletion = () => {
    completionsSinceTurn += 1;
    if (!turnProbePending) {
      turnProbePending = true;
      turnStartedAt = performance.now();
      nextTurn(() => {
        turnProbePending = false;
        completionsSinceTurn = 0;
      });
    }
    if (drainPending) return;
    const busy =
      completionsSinceTurn >= MAX_COMPLETIONS_PER_TURN ||
      (completionsSinceTurn >= MIN_COMPLETIONS_PER_TURN &&
        performance.now() - turnStartedAt >= MAX_BUSY_MS_PER_TURN);
    if (!busy) {
      drain();
      return;
    }
    drainPending = true;
    nextTurn(() => {
      drainPending = false;
      drain();
    });
  };

  const start = (preparedNode: PreparedNode, upstream: UpstreamValue[]) => {
    const { id, node, definition } = preparedNode;
    const executor = executors[node.type];
    if (!definition || !executor) {
      fail(
        id,
        new NodeFailure({
          node: id,
          kind: 'validation',
          message: `node "${id}" has an unknown type "${node.type}"`,
        }),
      );
      return;
    }
    statuses[preparedNode.position] = RUNNING;
    running += 1;
    push({ type: 'node', node: id, nodeType: node.type, status: 'started' });
    if (embeddingCache === undefined) embeddingCache = defaultEmbeddingCache(options.environment);
    if (routerState === undefined && definition.category === 'routing') {
      routerState = new MemoryRouterState();
    }
    executor({
      node,
      definition,
      config: preparedNode.config,
      scope: {
        input: options.input,
        nodes: createUpstreamOutputs({ node: id, upstream: upstreamQuery, outputOf }),
        env,
      },
      upstream,
      signal,
      emit,
      providers: options.providersForNode ? options.providersForNode(node) : providers,
      embeddingCache,
      hasOutgoing: preparedNode.hasOutgoing,
      ...(routerState !== undefined && { routerState }),
      ...(options.now !== undefined && { now: options.now }),
    }).then(
      (result) => {
        running -= 1;
        if (failure) return;
        statuses[preparedNode.position] = FINISHED;
        results[preparedNode.position] = result;
        push({ type: 'node', node: id, nodeType: node.type, status: 'finished' });
        if (preparedNode.announcesPartial) {
          push({ type: 'partial', node: id, output: result.output });
        }
        settle(preparedNode);
        afterCompletion();
      },
      (error: unknown) => {
        running -= 1;
        fail(id, error);
      },
    );
  };

  drain();
  return () => {
    // A run that ended with nothing running has nothing to stop; aborting anyway cost every run
    // a DOMException and a pass through every listener on the signal.
    if (running > 0) controller.abort();
  };
}

function toErrorEvent(nodeId: string, error: unknown, runSignal: AbortSignal): WorkflowErrorEvent {
  const mapped =
    error instanceof ExpressionError ? expressionFailure(nodeId, 'config', error) : error;
  if (mapped instanceof NodeFailure) {
    return {
      type: 'error',
      node: mapped.node,
      kind: mapped.kind,
      message: mapped.message,
      retryable: mapped.retryable,
    };
  }
  if (runSignal.aborted) {
    return {
      type: 'error',
      node: nodeId,
      kind: 'aborted',
      message: 'The run was aborted.',
      retryable: false,
    };
  }
  const message = mapped instanceof Error ? mapped.message : String(mapped);
  return {
    type: 'error',
    node: nodeId,
    kind: 'internal',
    message: `node "${nodeId}" failed: ${message}`,
    retryable: false,
  };
}

function doneEvent(
  prepared: PreparedWorkflow,
  statuses: Uint8Array,
  results: ReadonlyArray<NodeResult | undefined>,
  tokenCount: number,
): WorkflowEvent {
  const outputPosition = prepared.outputPosition;
  const outputResult =
    outputPosition !== undefined && statuses[outputPosition] === FINISHED
      ? results[outputPosition]
      : undefined;
  const usage: Record<string, NodeUsage> = {};
  const texts: string[] = [];
  const warnings: WorkflowWarning[] = [];
  let cost: Cost | null = {
    inputUsd: 0,
    outputUsd: 0,
    cacheReadUsd: 0,
    cacheWriteUsd: 0,
    totalUsd: 0,
  };
  for (const node of prepared.nodes) {
    const result = results[node.position];
    if (statuses[node.position] !== FINISHED || result === undefined) continue;
    if (result.text !== undefined) texts.push(result.text);
    for (const warning of result.warnings ?? []) warnings.push({ node: node.id, ...warning });
    const nodeUsage = result.usage;
    if (!nodeUsage) continue;
    usage[node.id] = nodeUsage;
    cost = cost && nodeUsage.cost ? addCosts(cost, nodeUsage.cost) : null;
  }
  return {
    type: 'done',
    output: outputResult !== undefined ? outputResult.output : null,
    text: texts.join(''),
    tokenCount,
    usage,
    cost,
    // Only when there are some, so runs without warnings keep their bytes (docs/protocol.md).
    ...(warnings.length > 0 && { warnings }),
  };
}
