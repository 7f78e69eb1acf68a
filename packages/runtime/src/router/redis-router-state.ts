import { createClient } from 'redis';
import {
  type CooldownRule,
  MemoryRouterState,
  type RouterState,
  type RouterStateSnapshot,
  type TargetStats,
  TTFT_SMOOTHING,
} from './router-state.js';

/** Key prefix of every router key; the Python runtime uses the same keys and scripts. */
export const ROUTER_KEY_PREFIX = 'catalyst:router:';

/** How long one Redis operation may take before the router decides on local memory instead. */
const OPERATION_TIMEOUT_MS = 500;
const RETRY_INTERVAL_MS = 1_000;

// Atomic read-modify-write on the server, so concurrent servers never lose an update.
// KEYS[1] target hash; ARGV[1] ttft sample or ''; ARGV[2] smoothing.
const SUCCESS_SCRIPT = `
redis.call('HSET', KEYS[1], 'failures', 0)
if ARGV[1] ~= '' then
  local sample = tonumber(ARGV[1])
  local average = tonumber(redis.call('HGET', KEYS[1], 'ttft'))
  if average then
    average = average + tonumber(ARGV[2]) * (sample - average)
  else
    average = sample
  end
  redis.call('HSET', KEYS[1], 'ttft', string.format('%.17g', average))
end
return 1`;

// KEYS[1] target hash, KEYS[2] cooldown key; ARGV[1] failure threshold or ''; ARGV[2] cooldown ms.
const FAILURE_SCRIPT = `
local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
if ARGV[1] ~= '' and failures >= tonumber(ARGV[1]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[2])
  redis.call('HSET', KEYS[1], 'failures', 0)
  return 1
end
return 0`;

type Client = ReturnType<typeof createClient>;

/**
 * Router state in Redis, shared by every server pointed at the same `REDIS_URL`: a hash per
 * target (`catalyst:router:target:PROVIDER/MODEL` with `ttft` and `failures`), a key with a TTL
 * per cooldown (`catalyst:router:cooldown:PROVIDER/MODEL`, expiring on Redis's clock), and a
 * counter per weighted rotation (`catalyst:router:turn:KEY`).
 *
 * Outage policy: routing never stops because Redis did. An operation that fails or takes more
 * than 500 ms is answered from this process's memory instead (and Redis is retried at most once
 * a second meanwhile); the decision's `stateWarning`
 * (in the `route` event and the node's usage) says so, and one line goes to stderr when Redis
 * becomes unreachable and one when it is back. Messages never include the URL (it may hold a
 * password).
 */
export class RedisRouterState implements RouterState {
  private readonly client: Client;
  private readonly fallback: MemoryRouterState;
  private connecting: Promise<unknown> | undefined;
  private outage: string | undefined;
  /** During an outage Redis is tried again at most once a second, so calls stay fast. */
  private retryAt = 0;
  private readonly log: (line: string) => void;

  constructor(options: { url: string; log?: (line: string) => void; now?: () => number }) {
    this.log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
    this.fallback = new MemoryRouterState(options.now ? { now: options.now } : {});
    this.client = createClient({
      url: options.url,
      // Fail fast while disconnected instead of queueing: the router has memory to fall back on.
      disableOfflineQueue: true,
      socket: {
        connectTimeout: OPERATION_TIMEOUT_MS,
        reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2_000),
      },
    });
    // Without a listener node-redis throws connection errors; the outage is reported per call.
    this.client.on('error', () => {});
  }

  async read(targets: readonly string[]): Promise<RouterStateSnapshot> {
    return this.attempt(
      async (client) => {
        const replies = await Promise.all(
          targets.map((target) =>
            Promise.all([
              client.hGet(targetKey(target), 'ttft'),
              client.exists(cooldownKey(target)),
            ]),
          ),
        );
        const stats = new Map<string, TargetStats>();
        targets.forEach((target, index) => {
          const [ttft, cooling] = replies[index] ?? [null, 0];
          const value: TargetStats = { coolingDown: cooling === 1 };
          if (ttft !== null && ttft !== undefined) value.ttftMs = Number(ttft);
          stats.set(target, value);
        });
        return { stats };
      },
      async (warning) => ({ ...(await this.fallback.read(targets)), warning }),
    );
  }

  async recordSuccess(target: string, ttftMs: number | undefined): Promise<void> {
    await this.attempt(
      async (client) => {
        await client.eval(SUCCESS_SCRIPT, {
          keys: [targetKey(target)],
          arguments: [ttftMs === undefined ? '' : String(ttftMs), String(TTFT_SMOOTHING)],
        });
      },
      () => this.fallback.recordSuccess(target, ttftMs),
    );
  }

  async recordFailure(target: string, cooldown: CooldownRule | undefined): Promise<void> {
    await this.attempt(
      async (client) => {
        await client.eval(FAILURE_SCRIPT, {
          keys: [targetKey(target), cooldownKey(target)],
          arguments: cooldown
            ? [String(cooldown.failures), String(Math.round(cooldown.seconds * 1000))]
            : ['', '0'],
        });
      },
      () => this.fallback.recordFailure(target, cooldown),
    );
  }

  async nextTurn(key: string): Promise<number> {
    return this.attempt(
      async (client) => (await client.incr(`${ROUTER_KEY_PREFIX}turn:${key}`)) - 1,
      () => this.fallback.nextTurn(key),
    );
  }

  async close(): Promise<void> {
    if (this.client.isOpen) await this.client.close().catch(() => {});
    else {
      try {
        this.client.destroy();
      } catch {
        // A client that never connected is closed already.
      }
    }
  }

  /** Runs `operation` on Redis, or `fallback` with a warning when Redis is unreachable or slow. */
  private async attempt<T>(
    operation: (client: Client) => Promise<T>,
    fallback: (warning: string) => Promise<T>,
  ): Promise<T> {
    if (this.outage !== undefined && Date.now() < this.retryAt) return fallback(this.outage);
    try {
      const value = await withTimeout(
        (async () => {
          if (!this.client.isOpen) {
            this.connecting ??= this.client.connect().finally(() => {
              this.connecting = undefined;
            });
            await this.connecting;
          }
          return operation(this.client);
        })(),
      );
      if (this.outage !== undefined) {
        this.outage = undefined;
        this.log('catalyst router: Redis is reachable again; router state is shared again');
      }
      return value;
    } catch (error) {
      const warning = `router state is local to this server: Redis is unavailable (${describe(error)})`;
      if (this.outage === undefined) this.log(`catalyst router: ${warning}`);
      this.outage = warning;
      this.retryAt = Date.now() + RETRY_INTERVAL_MS;
      return fallback(warning);
    }
  }
}

function targetKey(target: string): string {
  return `${ROUTER_KEY_PREFIX}target:${target}`;
}

function cooldownKey(target: string): string {
  return `${ROUTER_KEY_PREFIX}cooldown:${target}`;
}

async function withTimeout<T>(promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${OPERATION_TIMEOUT_MS} ms`)),
      OPERATION_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A short cause without URLs or credentials. */
function describe(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\b[a-z]+:\/\/\S+/gi, '<url>').slice(0, 120);
}
