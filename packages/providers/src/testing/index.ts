/**
 * The test kit shared by every package's tests: collect a stream, pick its terminal event, start
 * a throwaway Redis. The provider contract suite (`describe-provider-contract.ts`) lives beside
 * it but is not exported: it needs vitest and the simulator, which the shipped package does not.
 *
 * @example
 * import { collectEvents, terminalError } from '@catalyst/providers/testing';
 * const failure = terminalError(await collectEvents(provider.stream(request)), { secrets: [key] });
 */
export { collectEvents, withoutRequestIds } from './collect-events.js';
export { type RunningRedis, startRedisServer } from './redis-server.js';
export { terminalError, terminalEvent } from './terminal-event.js';
