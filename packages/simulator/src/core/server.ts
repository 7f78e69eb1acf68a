import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PROTOCOLS } from '../protocols.js';
import type { ProtocolModule } from '../types.js';
import { CONTROL_PREFIX, handleControlRequest, resetState } from './control-api.js';
import { handleProviderRequest } from './handle-provider-request.js';
import type { LoggedRequest } from './logged-request.js';
import { createRuleCounters } from './resolve-action.js';
import type { Scenario } from './scenario.js';
import { createSimulatorState, snapshotLog } from './simulator-state.js';

/** Options for `startSimulator`. */
export interface SimulatorOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to bind; default 127.0.0.1 so nothing outside the machine can reach it. */
  host?: string;
  scenario?: Scenario;
  /** Protocols to speak; default all of them (`PROTOCOLS`). */
  protocols?: ProtocolModule[];
  /** Clock for prompt-cache expiry (5 minutes after last use); default `Date.now`. */
  now?: () => number;
}

/** A simulator that is listening. */
export interface RunningSimulator {
  /** Base URL, e.g. `http://127.0.0.1:40123` (no trailing slash). */
  url: string;
  port: number;
  /** Stops listening and cuts open connections. */
  close(): Promise<void>;
  /** A snapshot of the request log. */
  requests(): LoggedRequest[];
  /** Clears the request log and rule counters (the scenario stays). */
  reset(): void;
  /** Replaces the scenario and restarts its rule counters. */
  setScenario(scenario: Scenario | undefined): void;
}

/**
 * Starts the provider simulator on a local port.
 *
 * @example
 * const simulator = await startSimulator({ port: 0 });
 * const client = new OpenAI({ apiKey: 'test', baseURL: `${simulator.url}/v1` });
 * await simulator.close();
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const state = createSimulatorState({
    protocols: options.protocols ?? PROTOCOLS,
    ...(options.scenario ? { scenario: options.scenario } : {}),
    ...(options.now ? { now: options.now } : {}),
  });

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    // Every frame must reach the client as soon as it is written, never coalesced.
    request.socket.setNoDelay(true);
    const url = new URL(request.url ?? '/', 'http://simulator.invalid');
    const handling = url.pathname.startsWith(CONTROL_PREFIX)
      ? handleControlRequest({ state, request, response, pathname: url.pathname })
      : handleProviderRequest({ state, request, response, url });
    handling.catch((error: unknown) => {
      if (response.headersSent || response.destroyed) {
        response.destroy();
        return;
      }
      response.writeHead(500, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          error: {
            message: `Catalyst simulator failed: ${(error as Error).message}`,
            type: 'server_error',
            param: null,
            code: null,
          },
        }),
      );
    });
  });

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
    requests: () => snapshotLog(state),
    reset: () => resetState(state),
    setScenario: (scenario) => {
      state.scenario = scenario;
      state.counters = createRuleCounters();
    },
  };
}
