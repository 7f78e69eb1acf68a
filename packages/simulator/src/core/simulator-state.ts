import type { ProtocolModule } from '../types.js';
import type { LoggedRequest } from './logged-request.js';
import type { PromptCache } from './prompt-cache.js';
import { createRuleCounters, type RuleCounters } from './resolve-action.js';
import type { Scenario } from './scenario.js';

/** The mutable state one simulator instance shares across requests. */
export interface SimulatorState {
  protocols: ProtocolModule[];
  scenario: Scenario | undefined;
  counters: RuleCounters;
  log: LoggedRequest[];
  /** Refreshers for entries whose response is still open (status, closed flags). */
  liveEntries: Map<LoggedRequest, () => void>;
  nextId: number;
  /** Cached prompt prefixes (Anthropic cache breakpoints), with their expiry times. */
  promptCache: PromptCache;
  /** The clock cache entries expire on. */
  now: () => number;
}

/** Creates the initial state. */
export function createSimulatorState(options: {
  protocols: ProtocolModule[];
  scenario?: Scenario;
  now?: () => number;
}): SimulatorState {
  return {
    protocols: options.protocols,
    scenario: options.scenario,
    counters: createRuleCounters(),
    log: [],
    liveEntries: new Map(),
    nextId: 1,
    promptCache: new Map(),
    now: options.now ?? Date.now,
  };
}

/** A snapshot of the request log, with open responses brought up to date. */
export function snapshotLog(state: SimulatorState): LoggedRequest[] {
  for (const refresh of state.liveEntries.values()) refresh();
  return state.log.map((entry) => ({ ...entry }));
}
