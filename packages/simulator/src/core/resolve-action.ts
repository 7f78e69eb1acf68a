import type { SimRequest } from '../types.js';
import type { RuleMatch, Scenario, ScenarioAction, ScenarioRule } from './scenario.js';

/** Per-rule counters, kept by the server and cleared by `reset()`. */
export interface RuleCounters {
  /** How many requests fitted each rule's match (for `nth`). */
  seen: Map<ScenarioRule, number>;
  /** How many times each rule was applied (for `times`). */
  applied: Map<ScenarioRule, number>;
}

/** Creates empty rule counters. */
export function createRuleCounters(): RuleCounters {
  return { seen: new Map(), applied: new Map() };
}

function fitsPattern(pattern: string, value: string | undefined): boolean {
  if (value === undefined) return false;
  return pattern.endsWith('*') ? value.startsWith(pattern.slice(0, -1)) : value === pattern;
}

function fitsOneOf<T>(expected: T | T[] | undefined, actual: T): boolean {
  if (expected === undefined) return true;
  return Array.isArray(expected) ? expected.includes(actual) : expected === actual;
}

function fitsStatic(match: RuleMatch, request: SimRequest, lastUserText: string): boolean {
  return (
    fitsOneOf(match.provider, request.provider) &&
    fitsOneOf(match.operation, request.operation) &&
    (match.model === undefined || fitsPattern(match.model, request.model)) &&
    (match.path === undefined || fitsPattern(match.path, request.path)) &&
    (match.contains === undefined || lastUserText.includes(match.contains))
  );
}

/** The rule (if any) that decides a request, with its counters advanced. */
export function findRule(options: {
  scenario: Scenario | undefined;
  counters: RuleCounters;
  request: SimRequest;
  lastUserText: string;
}): ScenarioRule | undefined {
  const { scenario, counters, request, lastUserText } = options;
  for (const rule of scenario?.rules ?? []) {
    const match = rule.match ?? {};
    if (!fitsStatic(match, request, lastUserText)) continue;
    const seen = (counters.seen.get(rule) ?? 0) + 1;
    counters.seen.set(rule, seen);
    if (match.nth !== undefined && seen !== match.nth) continue;
    const applied = counters.applied.get(rule) ?? 0;
    if (match.times !== undefined && applied >= match.times) continue;
    counters.applied.set(rule, applied + 1);
    return rule;
  }
  return undefined;
}

/**
 * Merges actions, later ones winning field by field: scenario rule, then inline directive,
 * then the header directive (the most specific a test can be).
 */
export function mergeActions(actions: Array<ScenarioAction | undefined>): ScenarioAction {
  const merged: ScenarioAction = {};
  for (const action of actions) {
    if (!action) continue;
    if (action.reply) merged.reply = { ...merged.reply, ...action.reply };
    if (action.timing) merged.timing = { ...merged.timing, ...action.timing };
    if (action.fault) merged.fault = action.fault;
    if (action.replay) merged.replay = action.replay;
  }
  return merged;
}
