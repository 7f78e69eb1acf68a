import { RedisRouterState } from './redis-router-state.js';
import { MemoryRouterState, type RouterState } from './router-state.js';

/**
 * The router state a server uses: Redis when `REDIS_URL` is set (shared by every server on it),
 * this process's memory otherwise.
 *
 * @example
 * const state = createRouterState({ environment: process.env });
 */
export function createRouterState(options: {
  environment: Record<string, string | undefined>;
}): RouterState {
  const url = options.environment.REDIS_URL;
  return url ? new RedisRouterState({ url }) : new MemoryRouterState();
}
