import { estimatePromptTokens, ModelCatalog } from '@catalyst/providers';
import {
  addCosts,
  type ChatResult,
  type Cost,
  emptyUsage,
  type JsonValue,
  type ProviderErrorInfo,
  type ProviderName,
  RETRYABLE_KINDS,
  type RouteAttempt,
  type RouteDecision,
  type RouteTarget,
  type SkippedRouteTarget,
  type Usage,
} from '@catalyst/spec';
import { DEFAULT_FALLBACK_KINDS, ExpressionError, evaluateExpression } from '@catalyst/workflow';
import { NodeFailure } from '../node-failure.js';
import { expressionFailure } from '../render-config-value.js';
import { orderTargets, type RouterTarget, targetKey } from '../router/order-targets.js';
import { type CooldownRule, MemoryRouterState } from '../router/router-state.js';
import { buildRequest, completionOutput } from './completion-executor.js';
import type { NodeExecutionContext, NodeExecutor } from './node-executor.js';

const catalog = ModelCatalog.default();

interface ConfigRoute {
  name?: string;
  condition: string;
  target: ConfigTarget | ConfigTarget[];
}

interface ConfigTarget {
  provider: ProviderName;
  model: string;
  weight?: number;
}

/**
 * `llmRouter`: builds the request like a completion node, estimates its size
 * (`prompt_tokens`), takes the targets of the first route whose condition holds (else
 * `default`), orders them by the strategy and router state, announces the decision in a `route`
 * event, then tries them in order: a failure whose kind is in `fallbackOn` moves to the next
 * target with a `fallback` event (after tokens went out only when `afterTokens` is `restart`, and
 * then with `discard: true`). Usage and cost are reported per attempt.
 */
export const executeLlmRouter: NodeExecutor = async (context) => {
  const { node, config } = context;
  const state = context.routerState ?? new MemoryRouterState();
  const now = context.now ?? Date.now;
  const request = buildRequest(context);
  if (typeof config.firstTokenTimeoutMs === 'number') {
    request.firstTokenTimeoutMs = config.firstTokenTimeoutMs;
  }
  const promptTokens = estimatePromptTokens(request.messages, request.system);

  // Routes: the first whose condition is true wins.
  const scope = { ...context.scope, prompt_tokens: promptTokens };
  const routes = (Array.isArray(config.routes) ? config.routes : []) as unknown as ConfigRoute[];
  let matched: { index: number; route: ConfigRoute } | undefined;
  for (const [index, route] of routes.entries()) {
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
    if (value) {
      matched = { index, route };
      break;
    }
  }
  const listed = toTargets(matched ? matched.route.target : config.default);
  const strategy = (config.strategy ?? 'ordered') as RouteDecision['strategy'];
  const cooldown = config.cooldown as unknown as CooldownRule | undefined;
  const keys = [...new Set(listed.map(targetKey))];
  const snapshot = await state.read(keys);
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
    honourCooldown: cooldown !== undefined,
    ...(turn !== undefined && { turn }),
  });
  const routeReason = matched
    ? `route ${matched.index}${matched.route.name ? ` "${matched.route.name}"` : ''} matched (${matched.route.condition})`
    : routes.length > 0
      ? 'no route matched, default targets'
      : 'default targets';
  const decision: RouteDecision = {
    route: matched ? matched.index : null,
    name: matched?.route.name ?? null,
    promptTokens,
    strategy,
    targets: ordered.targets.map(plainTarget),
    skipped: ordered.skipped,
    reason: [routeReason, ...ordered.reasons].join('; '),
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

  const fallbackOn = new Set<string>(
    Array.isArray(config.fallbackOn) ? (config.fallbackOn as string[]) : DEFAULT_FALLBACK_KINDS,
  );
  const restartAfterTokens = config.afterTokens === 'restart';
  const streamTokens = config.stream !== false;
  const chain = ordered.targets;
  const attempts: RouteAttempt[] = [];
  // After a context_length failure only targets with a larger window are worth trying.
  let windowFloor: number | undefined;

  for (let index = 0; index < chain.length; index = nextIndex(chain, index, windowFloor)) {
    const target = chain[index] as RouterTarget;
    const startedAt = now();
    let ttftMs: number | undefined;
    let tokens = 0;
    let result: ChatResult | undefined;
    let failure: { error: ProviderErrorInfo; usage: Usage } | undefined;
    const events = context
      .providers(target.provider)
      .stream({ ...request, model: target.model, signal: context.signal });
    for await (const event of events) {
      switch (event.type) {
        case 'token':
          ttftMs ??= now() - startedAt;
          if (streamTokens) {
            tokens += 1;
            context.emit({ type: 'token', node: node.id, text: event.text });
          }
          break;
        case 'tool-call-delta':
          ttftMs ??= now() - startedAt;
          break;
        case 'done': {
          const { type: _type, ...done } = event;
          result = done;
          break;
        }
        case 'error':
          failure = { error: event.error, usage: event.usage };
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

    if (result) {
      await state.recordSuccess(targetKey(target), ttftMs);
      attempts.push({
        ...plainTarget(target),
        outcome: 'ok',
        tokens,
        usage: result.usage,
        cost: result.cost,
      });
      return finish(context, request.responseFormat?.type, result, decision, attempts);
    }
    if (!failure) throw new Error(`provider stream for node ${node.id} ended without a result`);

    const { error } = failure;
    attempts.push({
      ...plainTarget(target),
      outcome: 'error',
      tokens,
      usage: failure.usage,
      cost: catalog.cost(target.provider, target.model, failure.usage),
      error: { kind: error.kind, message: error.message },
    });
    if (error.kind === 'aborted') throw runFailure(node.id, error, error.message);
    if (RETRYABLE_KINDS.has(error.kind)) await state.recordFailure(targetKey(target), cooldown);
    if (error.kind === 'context_length') {
      const window = catalog.find(target.provider, target.model)?.contextWindow;
      if (window !== undefined) windowFloor = Math.max(windowFloor ?? 0, window);
    }
    const next = nextIndex(chain, index, windowFloor);
    const nextTarget = chain[next];
    const canFallBack = fallbackOn.has(error.kind) && nextTarget !== undefined;
    if (tokens > 0 && !(canFallBack && restartAfterTokens)) {
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
      discard: tokens > 0,
      ...(jumped.length > 0 && { skipped: jumped }),
    });
  }
  // Unreachable: the loop returns or throws on its last target.
  throw new Error(`node ${node.id}: no target left`);
};

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

function toTargets(value: unknown): RouterTarget[] {
  const list = (Array.isArray(value) ? value : value ? [value] : []) as unknown as ConfigTarget[];
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

function finish(
  context: NodeExecutionContext,
  responseType: string | undefined,
  result: ChatResult,
  decision: RouteDecision,
  attempts: RouteAttempt[],
) {
  const output = completionOutput(result, responseType);
  output.route = decision as unknown as JsonValue;
  output.attempts = attempts as unknown as JsonValue;
  const calledTool = result.toolCalls.length > 0 && context.hasOutgoing('function_call');
  return {
    output,
    activeHandles: calledTool ? ['function_call'] : ['output', 'stream'],
    usage: {
      provider: result.provider,
      model: result.model,
      usage: sumUsage(attempts.map((attempt) => attempt.usage)),
      cost: sumCost(attempts.map((attempt) => attempt.cost)),
      route: decision,
      attempts,
    },
    text: result.text,
  };
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
