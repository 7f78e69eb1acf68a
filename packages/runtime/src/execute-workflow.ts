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
import { ExpressionError, getNodeType } from '@catalyst/workflow';
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
import { ReadyQueue } from './ready-queue.js';
import { expressionFailure } from './render-config-value.js';
import { MemoryRouterState, type RouterState } from './router/router-state.js';
import { createUpstreamOutputs } from './upstream-outputs.js';
import { buildWorkflowGraph } from './workflow-graph.js';

/** Node categories whose finishing is announced with a `partial` event. */
const PARTIAL_CATEGORIES = new Set(['llm', 'routing', 'embeddings']);

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

type NodeState =
  | { status: 'pending' }
  | { status: 'running' }
  | { status: 'finished'; result: NodeResult }
  | { status: 'skipped' };

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
  const graph = buildWorkflowGraph(workflow, { onVisit: options.onVisit });
  const nodes = new Map(workflow.nodes.map((node) => [node.id, node]));
  const states = new Map<string, NodeState>(
    workflow.nodes.map((node) => [node.id, { status: 'pending' }]),
  );
  // The nodes' signal: aborted by a failure, the consumer leaving, or the caller's signal. Not
  // AbortSignal.any: that cost ~15 µs a run (its weak references); the caller's abort is
  // forwarded by a listener instead, removed when the run ends.
  const controller = new AbortController();
  const signal = controller.signal;
  const forwardAbort = () => controller.abort(options.signal.reason);
  if (options.signal.aborted) forwardAbort();
  else options.signal.addEventListener('abort', forwardAbort, { once: true });
  const routerState = options.routerState ?? new MemoryRouterState();
  const env: Record<string, JsonValue> = {};
  for (const name of workflow.env ?? []) env[name] = options.environment[name] ?? null;
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
  /** Ends the run with its terminal event: the failure, or `done`. */
  const end = () => {
    if (ended) return;
    const terminal = failure ?? doneEvent(workflow, graph.order, states, tokenCount);
    options.onEvent(terminal);
    ended = true;
    options.signal.removeEventListener('abort', forwardAbort);
    options.onEnd();
  };

  // Linear bookkeeping: each node counts the incoming edges whose source has not settled, and
  // starts (or is skipped) when that reaches zero, in topological position order — the order the
  // old scan of every node after each completion produced, so event streams are unchanged.
  const position = new Map(graph.order.map((id, index) => [id, index]));
  const unsettledInputs = new Map<string, number>();
  const ready = new ReadyQueue();
  for (const [index, id] of graph.order.entries()) {
    const count = graph.incoming.get(id)?.length ?? 0;
    unsettledInputs.set(id, count);
    if (count === 0) ready.push(index);
  }
  let settledCount = 0;
  // Nodes that finish without I/O (templates, expressions) finish in one long chain of
  // microtasks; these let the event loop take a turn now and then, so signals and timers run.
  let completionsSinceTurn = 0;
  let turnProbePending = false;
  let turnStartedAt = 0;
  let drainPending = false;

  const settle = (id: string) => {
    settledCount += 1;
    for (const edge of graph.outgoing.get(id) ?? []) {
      const count = unsettledInputs.get(edge.to);
      if (count === undefined) continue;
      unsettledInputs.set(edge.to, count - 1);
      if (count === 1) ready.push(position.get(edge.to) as number);
    }
  };

  const finishIfIdle = () => {
    if (failure || running > 0) return;
    if (settledCount === states.size) end();
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
      const id = graph.order[index] as string;
      options.onVisit?.(id);
      // Nodes without I/O never see the signal: the run stops here instead.
      if (options.signal.aborted) {
        fail(id, options.signal.reason);
        return;
      }
      const incoming = graph.incoming.get(id) ?? [];
      const upstream: UpstreamValue[] = [];
      for (const edge of incoming) {
        const state = states.get(edge.from);
        const handle = edge.fromHandle ?? 'output';
        if (state?.status === 'finished' && state.result.activeHandles.includes(handle)) {
          upstream.push({
            node: edge.from,
            nodeType: nodes.get(edge.from)?.type ?? '',
            handle,
            output: state.result.output,
          });
        }
      }
      const node = nodes.get(id);
      if (!node) continue;
      if (incoming.length > 0 && upstream.length === 0) {
        // Every branch into this node was not taken: skip it, and so its own branch.
        states.set(id, { status: 'skipped' });
        push({ type: 'node', node: id, nodeType: node.type, status: 'skipped' });
        settle(id);
        continue;
      }
      start(id, upstream);
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

  const start = (id: string, upstream: UpstreamValue[]) => {
    const node = nodes.get(id);
    const definition = node ? getNodeType(node.type) : undefined;
    const executor = node ? executors[node.type] : undefined;
    if (!node || !definition || !executor) {
      fail(
        id,
        new NodeFailure({
          node: id,
          kind: 'validation',
          message: `node "${id}" has an unknown type "${node?.type}"`,
        }),
      );
      return;
    }
    states.set(id, { status: 'running' });
    running += 1;
    push({ type: 'node', node: id, nodeType: node.type, status: 'started' });
    const visible = createUpstreamOutputs({
      node: id,
      upstream: graph.upstream,
      outputOf: (ancestor) => {
        const state = states.get(ancestor);
        return state?.status === 'finished' ? state.result.output : undefined;
      },
    });
    const outgoing = graph.outgoing.get(id) ?? [];
    executor({
      node,
      definition,
      config: { ...definition.defaultConfig, ...(node.config ?? {}) },
      scope: { input: options.input, nodes: visible, env },
      upstream,
      signal,
      emit: (event) => {
        if (!failure) push(event);
      },
      providers: options.providersForNode ? options.providersForNode(node) : providers,
      embeddingCache:
        options.embeddingCache !== undefined
          ? options.embeddingCache
          : defaultEmbeddingCache(options.environment),
      hasOutgoing: (handle) => outgoing.some((edge) => (edge.fromHandle ?? 'output') === handle),
      routerState,
      ...(options.now !== undefined && { now: options.now }),
    }).then(
      (result) => {
        running -= 1;
        if (failure) return;
        states.set(id, { status: 'finished', result });
        push({ type: 'node', node: id, nodeType: node.type, status: 'finished' });
        if (PARTIAL_CATEGORIES.has(definition.category)) {
          push({ type: 'partial', node: id, output: result.output });
        }
        settle(id);
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
  workflow: WorkflowDefinition,
  order: string[],
  states: Map<string, NodeState>,
  tokenCount: number,
): WorkflowEvent {
  const outputNode = workflow.nodes.find((node) => node.type === 'output');
  const outputState = outputNode ? states.get(outputNode.id) : undefined;
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
  for (const id of order) {
    const state = states.get(id);
    if (state?.status !== 'finished') continue;
    if (state.result.text !== undefined) texts.push(state.result.text);
    for (const warning of state.result.warnings ?? []) warnings.push({ node: id, ...warning });
    const nodeUsage = state.result.usage;
    if (!nodeUsage) continue;
    usage[id] = nodeUsage;
    cost = cost && nodeUsage.cost ? addCosts(cost, nodeUsage.cost) : null;
  }
  return {
    type: 'done',
    output: outputState?.status === 'finished' ? outputState.result.output : null,
    text: texts.join(''),
    tokenCount,
    usage,
    cost,
    // Only when there are some, so runs without warnings keep their bytes (docs/protocol.md).
    ...(warnings.length > 0 && { warnings }),
  };
}
