import { parse as parseYaml } from 'yaml';
import type { Fault, SimErrorKind } from '../types.js';
import type { Scenario, ScenarioAction, ScenarioRule } from './scenario.js';

const ERROR_KINDS: readonly SimErrorKind[] = [
  'auth',
  'model_not_found',
  'invalid_request',
  'context_length',
  'rate_limit',
  'server',
  'overloaded',
];

/** Thrown when a scenario or directive is not valid; the message names the offending place. */
export class ScenarioError extends Error {
  override name = 'ScenarioError';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireCount(value: unknown, where: string): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new ScenarioError(`${where}.afterChunks must be a non-negative integer`);
  }
}

function validateFault(fault: unknown, where: string): asserts fault is Fault {
  if (!isRecord(fault)) throw new ScenarioError(`${where} must be an object`);
  const type = fault.type;
  switch (type) {
    case 'http':
    case 'stream-error':
      if (!ERROR_KINDS.includes(fault.kind as SimErrorKind)) {
        throw new ScenarioError(`${where}.kind must be one of ${ERROR_KINDS.join(', ')}`);
      }
      if (type === 'stream-error') requireCount(fault.afterChunks, where);
      return;
    case 'reset':
      return;
    case 'disconnect':
    case 'malformed':
    case 'stall':
      requireCount(fault.afterChunks, where);
      return;
    default:
      throw new ScenarioError(
        `${where}.type must be http, reset, disconnect, malformed, stall or stream-error (got ${JSON.stringify(type)})`,
      );
  }
}

/**
 * Checks one action (a rule without its match, or a directive) and returns it typed.
 *
 * @example parseAction({ fault: { type: 'http', kind: 'rate_limit', retryAfterSeconds: 1 } }, 'directive')
 */
export function parseAction(value: unknown, where: string): ScenarioAction {
  if (!isRecord(value)) throw new ScenarioError(`${where} must be an object`);
  const known = new Set(['reply', 'timing', 'fault', 'replay', 'match', 'name']);
  for (const key of Object.keys(value)) {
    if (!known.has(key)) {
      throw new ScenarioError(
        `${where}.${key} is not a known field (use reply, timing, fault, replay, match)`,
      );
    }
  }
  if (value.fault !== undefined) validateFault(value.fault, `${where}.fault`);
  if (value.reply !== undefined && !isRecord(value.reply)) {
    throw new ScenarioError(`${where}.reply must be an object`);
  }
  if (value.timing !== undefined && !isRecord(value.timing)) {
    throw new ScenarioError(`${where}.timing must be an object`);
  }
  if (value.replay !== undefined) {
    if (!isRecord(value.replay) || typeof value.replay.file !== 'string') {
      throw new ScenarioError(`${where}.replay.file must be a path`);
    }
  }
  return value as ScenarioAction;
}

/**
 * Checks a parsed scenario document. A bare array is accepted as the rule list.
 *
 * @example parseScenario({ rules: [{ match: { contains: 'hi' }, reply: { text: 'Hello!' } }] })
 */
export function parseScenario(document: unknown): Scenario {
  const root = Array.isArray(document) ? { rules: document } : document;
  if (!isRecord(root)) throw new ScenarioError('a scenario must be an object with a rules list');
  const rules = root.rules ?? [];
  if (!Array.isArray(rules)) throw new ScenarioError('scenario.rules must be a list');
  const parsedRules: ScenarioRule[] = rules.map((rule, index) => {
    const where = `rules[${index}]`;
    const action = parseAction(rule, where);
    const match = (rule as Record<string, unknown>).match;
    if (match !== undefined && !isRecord(match)) {
      throw new ScenarioError(`${where}.match must be an object`);
    }
    return action as ScenarioRule;
  });
  const defaults = root.defaults;
  if (defaults !== undefined && !isRecord(defaults)) {
    throw new ScenarioError('scenario.defaults must be an object');
  }
  return {
    rules: parsedRules,
    ...(defaults ? { defaults: defaults as Scenario['defaults'] } : {}),
  };
}

/** Parses scenario text, JSON or YAML (JSON is YAML, so one parser reads both). */
export function parseScenarioText(text: string): Scenario {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new ScenarioError(`scenario is neither valid JSON nor YAML: ${(error as Error).message}`);
  }
  return parseScenario(document);
}
