import { estimatePromptTokens, ModelCatalog } from '@catalyst/providers';
import {
  addCosts,
  type ChatRequest,
  type Cost,
  emptyUsage,
  type JsonValue,
  type ProviderErrorInfo,
  RETRYABLE_KINDS,
  type RouteAttempt,
  type RouteDecision,
  type RouteTarget,
  type SkippedRouteTarget,
  type Usage,
} from '@catalyst/spec';
import {
  DEFAULT_FALLBACK_KINDS,
  ExpressionError,
  evaluateExpression,
  type LlmRouterNodeConfig,
  type RouterRouteConfig,
  type RouterTargetsConfig,
} from '@catalyst/workflow';
import { NodeFailure } from '../node-failure.js';
import { expressionFailure } from '../render-config-value.js';
import { orderTargets, type RouterTarget, targetKey } from '../router/order-targets.js';
import { MemoryRouterState, type RouterState } from '../router/router-state.js';
import { toJsonValue } from '../to-json-value.js';
import {
  buildRequest,
  completionOutput,
  completionResult,
  consumeCompletionStream,
  type StreamedCompletion,
} from './completion-executor.js';
import type { NodeExecutionContext, NodeExecutor, NodeResult } from './node-executor.js';

const catalog = ModelCatalog.default();

type RouterContext = NodeExecutionContext<LlmRouterNodeConfig>;
type RouterRequest = Omit<ChatRequest, 'signal'>;

/**
 * `llmRouter`: builds the request like a completion node, estimates its size
 * (`prompt_tokens`), takes the targets of the first route whose condition holds (else
 * `default`), orders them by the strategy and router state, announces the decision in a `route`
 * event, then tries them in order: a failure whose kind is in `fallbackOn` moves to the next
 * target with a `fallback` event (after tokens went out only when `afterTokens` is `restart`, and
 * then with `discard: true`). Usage and cost are reported per attempt.
 */
export const executeLlmRouter: NodeExecutor<LlmRouterNodeConfig> = async (context) => {
  const state = context.routerState ?? new MemoryRouterState();
  const request = buildRequest(context);
  if (context.config.firstTokenTimeoutMs !== undefined) {
    request.firstTokenTimeoutMs = context.config.firstTokenTimeoutMs;
  }
  const { decision, chain } = await decideRoute({ context, request, state });
  return tryTargets({ context, request, state, decision, chain });
};

/** The matched route and its index, or undefined when none matched. */
interface MatchedRoute {
  index: number;
  route: RouterRouteConfig;
}

/** The first route whose condition holds for `scope`. */
function matchRoute(
  context: RouterContext,
  scope: RouterContext['scope'],
): MatchedRoute | undefined {
  const { node } = context;
  for (const [index, route] of (context.config.routes ?? []).entries()) {
    const field = `routes[${index}].condition`;
    let value: JsonValue;
    try {
      value = evaluateExpression(route.condition, scope);
    } catch (error) {
      throw error instanceof ExpressionError ? expressionFailure(node.id, field, error) : error;
    }
    if (typeof value !== 'boolean') {
      throw new NodeFailure({
        node: node.id,
        kind: 'expression',
        message: `node "${node.id}" field "${field}": a condition must be true or false, got ${JSON.stringify(value)} from ${JSON.stringify(route.condition)}`,
      });
    }
    if (value) return { index, route };
  }
  return undefined;
}

/**
 * Decides the chain: matches the routes, orders their targets by the strategy and the router
 * state, announces the decision in a `route` event, and fails when no target fits.
 */
async function decideRoute(options: {
  context: RouterContext;
  request: RouterRequest;
  state: RouterState;
}): Promise<{ decision: RouteDecision; chain: RouterTarget[] }> {
  const { context, request, state } = options;
  const { node, config } = context;
  const promptTokens = estimatePromptTokens(request.messages, request.system);
  const matched = matchRoute(context, { ...context.scope, prompt_tokens: promptTokens });
  const listed = toTargets(matched ? matched.route.target : config.default);
  const strategy = config.strategy ?? 'ordered';
  const snapshot = await state.read([...new Set(listed.map(targetKey))]);
  const turn =
    strategy === 'weighted'
      ? await state.nextTurn(
          listed.map((target) => `${targetKey(target)}*${target.weight}`).join(','),
        )
      : undefined;
  const responseType = request.responseFormat?.type;
  const ordered = orderTargets({
    targets: listed,
    strategy,
    promptTokens,
    needs: {
      tools: (request.tools?.length ?? 0) > 0,
      jsonMode: responseType === 'json_object',
      jsonSchema: responseType === 'json_schema',
      ...(request.maxTokens !== undefined && { maxTokens: request.maxTokens }),
    },
    catalog,
    stats: snapshot.stats,
    honourCooldown: config.cooldown !== undefined,
    ...(turn !== undefined && { turn }),
  });
  const decision: RouteDecision = {
    route: matched ? matched.index : null,
    name: matched?.route.name ?? null,
    promptTokens,
    strategy,
    targets: ordered.targets.map(plainTarget),
    skipped: ordered.skipped,
    reason: [routeReason(matched, config.routes?.length ?? 0), ...ordered.reasons].join('; '),
  };
  if (snapshot.warning !== undefined) decision.stateWarning = snapshot.warning;
  context.emit({ type: 'route', node: node.id, ...decision });
  if (ordered.targets.length === 0) {
    throw new NodeFailure({
      node: node.id,
      kind: ordered.skipped.every((target) => target.reason === 'context_window')
        ? 'context_length'
        : 'invalid_request',
      message: `node "${node.id}": no target fits the request (${ordered.skipped.map((target) => `${targetKey(target)}: ${target.reason}`).join(', ')})`,
    });
  }
  return { decision, chain: ordered.targets };
}

function routeReason(matched: MatchedRoute | undefined, routeCount: number): string {
  if (matched) {
    const name = matched.route.name ? ` "${matched.route.name}"` : '';
    return `route ${matched.index}${name} matched (${matched.route.condition})`;
  }
  return routeCount > 0 ? 'no route matched, default targets' : 'default targets';
}

/** Tries the chain in order until a target answers or a failure ends the node. */
async function tryTargets(options: {
  context: RouterContext;
  request: RouterRequest;
  state: RouterState;
  decision: RouteDecision;
  chain: RouterTarget[];
}): Promise<NodeResult> {
  const { context, request, state, decision, chain } = options;
  const now = context.now ?? Date.now;
  const attempts: RouteAttempt[] = [];
  // After a context_length failure only targets with a larger window are worth trying.
  let windowFloor: number | undefined;
  for (let index = 0; index < chain.length; index = nextIndex(chain, index, windowFloor)) {
    const target = chain[index] as RouterTarget;
    const startedAt = now();
    const streamed = await consumeCompletionStream({
      events: context
        .providers(target.provider)
        .stream({ ...request, model: target.model, signal: context.signal }),
      node: context.node.id,
      streamTokens: context.config.stream !== false,
      emit: context.emit,
      clock: { now, startedAt },
    });
    if (streamed.result) {
      const { result } = streamed;
      await state.recordSuccess(targetKey(target), streamed.ttftMs);
      attempts.push({
        ...plainTarget(target),
        outcome: 'ok',
        tokens: streamed.tokens,
        usage: result.usage,
        cost: result.cost,
      });
      const output = completionOutput(result, request.responseFormat?.type);
      output.route = toJsonValue(decision);
      output.attempts = toJsonValue(attempts);
      return completionResult({
        context,
        result,
        output,
        usage: {
          provider: result.provider,
          model: result.model,
          usage: sumUsage(attempts.map((attempt) => attempt.usage)),
          cost: sumCost(attempts.map((attempt) => attempt.cost)),
          route: decision,
          attempts,
        },
      });
    }
    windowFloor = await onFailure({
      context,
      state,
      chain,
      index,
      streamed,
      attempts,
      windowFloor,
    });
  }
  // Unreachable: the loop returns or throws on its last target.
  throw new Error(`node ${context.node.id}: no target left`);
}

/**
 * After a failed attempt: records it, then either throws (no fallback, or tokens already went
 * out and `afterTokens` is `error`) or announces the fallback. Returns the new window floor.
 */
async function onFailure(options: {
  context: RouterContext;
  state: RouterState;
  chain: readonly RouterTarget[];
  index: number;
  streamed: StreamedCompletion;
  attempts: RouteAttempt[];
  windowFloor: number | undefined;
}): Promise<number | undefined> {
  const { context, chain, index, streamed, attempts } = options;
  const { node, config } = context;
  const target = chain[index] as RouterTarget;
  const { failure, tokens } = streamed;
  // Tool-call fragments the client already has are as binding as tokens.
  const sent = tokens + streamed.toolCallDeltas;
  if (!failure) throw new Error(`provider stream for node ${node.id} ended without a result`);
  const { error } = failure;
  const usage = withStreamedOutput(failure.usage, streamed.received);
  attempts.push({
    ...plainTarget(target),
    outcome: 'error',
    tokens,
    usage,
    cost: catalog.cost(target.provider, target.model, usage),
    error: { kind: error.kind, message: error.message },
  });
  if (error.kind === 'aborted') throw runFailure(node.id, error, error.message);
  if (RETRYABLE_KINDS.has(error.kind)) {
    await options.state.recordFailure(targetKey(target), config.cooldown);
  }
  let windowFloor = options.windowFloor;
  if (error.kind === 'context_length') {
    const window = catalog.find(target.provider, target.model)?.contextWindow;
    if (window !== undefined) windowFloor = Math.max(windowFloor ?? 0, window);
  }
  const next = nextIndex(chain, index, windowFloor);
  const nextTarget = chain[next];
  const fallbackOn = new Set<string>(config.fallbackOn ?? DEFAULT_FALLBACK_KINDS);
  const canFallBack = fallbackOn.has(error.kind) && nextTarget !== undefined;
  if (sent > 0 && !(canFallBack && config.afterTokens === 'restart')) {
    const why = canFallBack
      ? '; afterTokens is "error", so no other target was tried'
      : nextTarget === undefined
        ? ''
        : `; ${error.kind} is not in fallbackOn`;
    throw runFailure(
      node.id,
      error,
      `node "${node.id}": the answer was cut: ${targetKey(target)} failed after ${tokens} tokens had been sent (${error.message}); the partial output is not a complete answer${why}`,
    );
  }
  if (!canFallBack) {
    const message =
      attempts.length === 1
        ? error.message
        : `node "${node.id}": ${attempts.length} targets failed (${attempts.map((attempt) => `${targetKey(attempt)}: ${attempt.error?.kind}`).join(', ')}); last error: ${error.message}`;
    throw runFailure(node.id, error, message);
  }
  const jumped: SkippedRouteTarget[] = chain
    .slice(index + 1, next)
    .map((skipped) => ({ ...plainTarget(skipped), reason: 'context_window' }));
  context.emit({
    type: 'fallback',
    node: node.id,
    from: plainTarget(target),
    to: plainTarget(nextTarget),
    error: { kind: error.kind, message: error.message },
    discard: sent > 0,
    ...(jumped.length > 0 && { skipped: jumped }),
  });
  return windowFloor;
}

/** The index of the next target to try after `index`: one with a larger window than `floor`. */
function nextIndex(
  chain: readonly RouterTarget[],
  index: number,
  floor: number | undefined,
): number {
  let next = index + 1;
  while (next < chain.length && floor !== undefined) {
    const target = chain[next] as RouterTarget;
    const window = catalog.find(target.provider, target.model)?.contextWindow;
    // Unknown windows (Azure deployments, local servers) get their chance.
    if (window === undefined || window > floor) break;
    next += 1;
  }
  return next;
}

function toTargets(value: RouterTargetsConfig | undefined): RouterTarget[] {
  const list = Array.isArray(value) ? value : value ? [value] : [];
  return list.map((target) => ({
    provider: target.provider,
    model: target.model,
    weight: target.weight ?? 1,
  }));
}

function plainTarget(target: { provider: string; model: string }): RouteTarget {
  return { provider: target.provider, model: target.model };
}

function runFailure(node: string, error: ProviderErrorInfo, message: string): NodeFailure {
  return new NodeFailure({ node, kind: error.kind, message, retryable: error.retryable });
}

/**
 * A cut stream usually ends before the provider reports usage, yet every token it streamed was
 * generated and billed: its output counts at least the token events that arrived.
 */
function withStreamedOutput(usage: Usage, received: number): Usage {
  if (received <= usage.outputTokens) return usage;
  return { ...usage, outputTokens: received, totalTokens: usage.inputTokens + received };
}

function sumUsage(usages: Usage[]): Usage {
  const total = emptyUsage();
  for (const usage of usages) {
    for (const key of Object.keys(total) as Array<keyof Usage>) total[key] += usage[key];
  }
  return total;
}

function sumCost(costs: Array<Cost | null>): Cost | null {
  let total: Cost | null = {
    inputUsd: 0,
    outputUsd: 0,
    cacheReadUsd: 0,
    cacheWriteUsd: 0,
    totalUsd: 0,
  };
  for (const cost of costs) {
    if (!total || !cost) return null;
    total = addCosts(total, cost);
  }
  return total;
}
