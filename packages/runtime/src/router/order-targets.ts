import type { ModelCatalog } from '@catalyst/providers';
import type { ProviderName, RouteDecision, SkippedRouteTarget } from '@catalyst/spec';
import type { TargetStats } from './router-state.js';

/** One target of a router as configured. */
export interface RouterTarget {
  provider: ProviderName;
  model: string;
  /** Share under the `weighted` strategy (default 1). */
  weight: number;
}

/** What the request needs of a model, for the `cheapest` strategy. */
export interface RequestNeeds {
  tools: boolean;
  jsonMode: boolean;
  jsonSchema: boolean;
  /** `maxTokens` of the request, when set. */
  maxTokens?: number;
}

/** Output tokens the `cheapest` strategy prices when the request sets no `maxTokens`. */
export const ASSUMED_OUTPUT_TOKENS = 256;

/** The `provider/model` key router state is kept under. */
export function targetKey(target: { provider: string; model: string }): string {
  return `${target.provider}/${target.model}`;
}

/**
 * Orders a route's targets into the chain the router will try: cooling-down targets left out
 * (unless all are), then the strategy. Pure: state and the weighted turn come in as values.
 */
export function orderTargets(options: {
  targets: readonly RouterTarget[];
  strategy: RouteDecision['strategy'];
  promptTokens: number;
  needs: RequestNeeds;
  catalog: ModelCatalog;
  stats: ReadonlyMap<string, TargetStats>;
  /** Whether the node has a cooldown rule (only then are cooling targets left out). */
  honourCooldown: boolean;
  /** The weighted rotation's turn; required for `weighted`. */
  turn?: number;
}): { targets: RouterTarget[]; skipped: SkippedRouteTarget[]; reasons: string[] } {
  const skipped: SkippedRouteTarget[] = [];
  const reasons: string[] = [];
  let candidates = [...options.targets];

  if (options.honourCooldown) {
    const cooling = candidates.filter(
      (target) => options.stats.get(targetKey(target))?.coolingDown,
    );
    if (cooling.length === candidates.length && cooling.length > 0) {
      reasons.push('every target is cooling down, trying them anyway');
    } else if (cooling.length > 0) {
      candidates = candidates.filter((target) => !cooling.includes(target));
      for (const target of cooling) skipped.push(skip(target, 'cooldown'));
      reasons.push(`cooling down: ${cooling.map(targetKey).join(', ')}`);
    }
  }

  switch (options.strategy) {
    case 'ordered':
      reasons.unshift('ordered: as listed');
      break;
    case 'cheapest': {
      const outputTokens = options.needs.maxTokens ?? ASSUMED_OUTPUT_TOKENS;
      const fitting: Array<{ target: RouterTarget; cost: number | undefined }> = [];
      for (const target of candidates) {
        const info = options.catalog.find(target.provider, target.model);
        if (info && options.promptTokens + (options.needs.maxTokens ?? 0) > info.contextWindow) {
          skipped.push(skip(target, 'context_window'));
          continue;
        }
        if (info && !capable(info.capabilities, options.needs)) {
          skipped.push(skip(target, 'capability'));
          continue;
        }
        const pricing = info?.pricing ?? (target.provider === 'local' ? zeroPrice : undefined);
        const cost = pricing
          ? options.promptTokens * pricing.inputPerMillion + outputTokens * pricing.outputPerMillion
          : undefined;
        fitting.push({ target, cost });
      }
      // Stable: equal prices keep the listed order; unpriced models come last.
      fitting.sort((left, right) => (left.cost ?? Infinity) - (right.cost ?? Infinity));
      candidates = fitting.map((entry) => entry.target);
      reasons.unshift(
        `cheapest: by catalog price for ${options.promptTokens} prompt and ${outputTokens} output tokens, fitting the context window and the request's needs`,
      );
      break;
    }
    case 'fastest': {
      const observed = (target: RouterTarget) => options.stats.get(targetKey(target))?.ttftMs;
      const untried = candidates.filter((target) => observed(target) === undefined);
      const tried = candidates
        .filter((target) => observed(target) !== undefined)
        .sort((left, right) => (observed(left) ?? 0) - (observed(right) ?? 0));
      candidates = [...untried, ...tried];
      reasons.unshift(
        'fastest: untried targets first, then the lowest average time to first token',
      );
      break;
    }
    case 'weighted': {
      const weights = candidates.map((target) => target.weight);
      const pick = smoothWeightedPick(weights, options.turn ?? 0);
      if (pick === undefined) {
        reasons.unshift('weighted: every weight is 0, so as listed');
        break;
      }
      const chosen = candidates[pick] as RouterTarget;
      candidates = [chosen, ...candidates.filter((_, index) => index !== pick)];
      reasons.unshift(
        `weighted: turn ${options.turn ?? 0} of weights ${weights.join(':')} picks ${targetKey(chosen)}`,
      );
      break;
    }
    default: {
      const unreachable: never = options.strategy;
      throw new Error(`unknown strategy ${String(unreachable)}`);
    }
  }
  return { targets: candidates, skipped, reasons };
}

const zeroPrice = { inputPerMillion: 0, outputPerMillion: 0 };

function capable(
  capabilities: { tools: boolean; jsonMode: boolean; jsonSchema: boolean },
  needs: RequestNeeds,
): boolean {
  return (
    (!needs.tools || capabilities.tools) &&
    (!needs.jsonMode || capabilities.jsonMode) &&
    (!needs.jsonSchema || capabilities.jsonSchema)
  );
}

function skip(target: RouterTarget, reason: SkippedRouteTarget['reason']): SkippedRouteTarget {
  return { provider: target.provider, model: target.model, reason };
}

/**
 * Smooth weighted round robin (nginx's): which index serves turn `turn`. Each cycle of
 * sum(weights) turns gives every index exactly its weight, spread out rather than bunched, and
 * the same turn always gives the same index — so servers sharing a turn counter balance exactly
 * and tests are deterministic. Undefined when every weight is 0.
 *
 * @example
 * [0, 1, 2, 3].map((turn) => smoothWeightedPick([3, 1], turn)); // [0, 0, 1, 0]
 */
export function smoothWeightedPick(weights: readonly number[], turn: number): number | undefined {
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  if (total <= 0) return undefined;
  const current = weights.map(() => 0);
  let picked = 0;
  for (let step = 0; step <= turn % total; step += 1) {
    picked = 0;
    for (let index = 0; index < weights.length; index += 1) {
      current[index] = (current[index] ?? 0) + (weights[index] ?? 0);
      if ((current[index] ?? 0) > (current[picked] ?? 0)) picked = index;
    }
    current[picked] = (current[picked] ?? 0) - total;
  }
  return picked;
}
