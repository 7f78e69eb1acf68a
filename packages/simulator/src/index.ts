/**
 * The Catalyst provider simulator: an HTTP server that speaks the real wire protocols of
 * OpenAI, Azure OpenAI, Groq, xAI, Anthropic, Gemini and Voyage, with scripted replies,
 * timing and faults.
 *
 * @example
 * import { startSimulator } from '@catalyst/simulator';
 * const simulator = await startSimulator();
 * // point an SDK at `${simulator.url}/v1`, then:
 * await simulator.close();
 */

export { findInlineDirective } from './core/inline-directive.js';
export { loadScenarioFile } from './core/load-scenario-file.js';
export type { LoggedRequest } from './core/logged-request.js';
export {
  parseAction,
  parseScenario,
  parseScenarioText,
  ScenarioError,
} from './core/parse-scenario.js';
export { DIRECTIVE_HEADER } from './core/read-directives.js';
export type {
  ReplayAction,
  RuleMatch,
  Scenario,
  ScenarioAction,
  ScenarioRule,
  ScriptedReply,
  ScriptedToolCall,
} from './core/scenario.js';
export { type RunningSimulator, type SimulatorOptions, startSimulator } from './core/server.js';
export { PROTOCOLS } from './protocols.js';
export {
  CliUsageError,
  parseSimulatorArguments,
  runSimulatorCli,
  SIMULATOR_USAGE,
  type SimulatorCliOptions,
} from './run-simulator-cli.js';
export type * from './types.js';
