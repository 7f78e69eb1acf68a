/**
 * The test kit shared by every package's tests: collect a stream, pick its terminal event, run a
 * provider over both of its paths, serve what the simulator does not script, start a throwaway
 * Redis. The provider contract suite (`describe-provider-contract.ts`) and the cases every
 * provider with a direct client and an SDK path shares (`direct-and-sdk-path-cases.ts`) live
 * beside it but are not exported: they need vitest and the simulator, which the shipped package
 * does not.
 *
 * @example
 * import { collectEvents, terminalError } from '@catalyst/providers/testing';
 * const failure = terminalError(await collectEvents(provider.stream(request)), { secrets: [key] });
 */
export { bothPaths, type TransportPath } from './both-paths.js';
export { collectEvents, withoutRequestIds } from './collect-events.js';
export {
  FETCH_OWN_HEADERS,
  type LocalServer,
  type SeenRequest,
  startLocalServer,
  withLocalServer,
} from './local-server.js';
export { type RunningRedis, startRedisServer } from './redis-server.js';
export { terminalError, terminalEvent } from './terminal-event.js';
