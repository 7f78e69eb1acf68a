import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseScenarioText, ScenarioError } from './parse-scenario.js';
import { readBody } from './read-body.js';
import { createRuleCounters } from './resolve-action.js';
import { type SimulatorState, snapshotLog } from './simulator-state.js';

/** Path prefix of the simulator's own endpoints. */
export const CONTROL_PREFIX = '/_sim/';

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

/**
 * Clears the request log, the scenario's rule counters and the prompt cache; the scenario itself
 * stays.
 */
export function resetState(state: SimulatorState): void {
  state.promptCache.clear();
  state.log.length = 0;
  state.liveEntries.clear();
  state.counters = createRuleCounters();
}

/**
 * Answers `/_sim/*`: `GET health`, `GET requests`, `POST reset`, `GET|PUT|DELETE scenario`.
 */
export async function handleControlRequest(options: {
  state: SimulatorState;
  request: IncomingMessage;
  response: ServerResponse;
  pathname: string;
}): Promise<void> {
  const { state, request, response } = options;
  const route = `${request.method ?? 'GET'} ${options.pathname.slice(CONTROL_PREFIX.length)}`;
  switch (route) {
    case 'GET health':
      sendJson(response, 200, { status: 'ok', requests: state.log.length });
      return;
    case 'GET requests':
      sendJson(response, 200, snapshotLog(state));
      return;
    case 'POST reset':
      await readBody(request);
      resetState(state);
      sendJson(response, 200, { status: 'reset' });
      return;
    case 'GET scenario':
      sendJson(response, 200, state.scenario ?? null);
      return;
    case 'PUT scenario':
    case 'POST scenario': {
      try {
        state.scenario = parseScenarioText(await readBody(request));
        state.counters = createRuleCounters();
        sendJson(response, 200, { status: 'loaded', rules: state.scenario.rules.length });
      } catch (error) {
        if (!(error instanceof ScenarioError)) throw error;
        sendJson(response, 400, { error: error.message });
      }
      return;
    }
    case 'DELETE scenario':
      state.scenario = undefined;
      state.counters = createRuleCounters();
      sendJson(response, 200, { status: 'cleared' });
      return;
    default:
      sendJson(response, 404, {
        error: `unknown control endpoint ${route}; try GET /_sim/health, GET /_sim/requests, POST /_sim/reset, PUT /_sim/scenario`,
      });
  }
}
