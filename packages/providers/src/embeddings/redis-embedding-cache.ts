import { createClient } from 'redis';
import { decodeVector, type EmbeddingCache, encodeVector } from './embedding-cache.js';

/** Options of the Redis cache. */
export interface RedisEmbeddingCacheOptions {
  /** `redis://[user:password@]host:port[/db]` (the `REDIS_URL` value). */
  url: string;
  /** Seconds an entry lives; default 30 days. Embeddings of a fixed model never change. */
  ttlSeconds?: number;
  /** Longest wait for one Redis round trip (connecting included) before it counts as failed. */
  timeoutMs?: number;
  /** After a failure, Redis is skipped for this long instead of being waited on again. */
  cooldownMs?: number;
  /** Told about every failure; defaults to one line on stderr per distinct message per minute. */
  onError?: (message: string) => void;
  /** Injected clock, for tests. */
  now?: () => number;
}

/** Keys fetched per MGET, so one huge input does not block Redis for long. */
const KEYS_PER_MGET = 1000;

/** `redis://user:secret@host` → `redis://user:***@host`: URLs with passwords never reach a log. */
export function redactRedisUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}

function stderrReporter(): (message: string) => void {
  const lastShown = new Map<string, number>();
  return (message) => {
    const now = Date.now();
    if ((lastShown.get(message) ?? 0) > now - 60_000) return;
    lastShown.set(message, now);
    process.stderr.write(`catalyst: ${message}\n`);
  };
}

/**
 * The shared cache for several processes or instances (`REDIS_URL`). Entries are
 * `SET key base64(float64 LE) EX ttl`, keyed by `embeddingCacheKey`.
 *
 * Failure policy: Redis is an optimisation, so a Redis failure never fails a run and never hangs
 * it. Every round trip is bounded by `timeoutMs` (commands are not queued while disconnected); a
 * failure makes the lookup a miss (the provider is called), is reported through `onError` and
 * returned as `error` so the node's output says the cache was unavailable; Redis is then skipped
 * for `cooldownMs` while the client reconnects in the background.
 *
 * @example
 * const cache = createRedisEmbeddingCache({ url: process.env.REDIS_URL! });
 */
export function createRedisEmbeddingCache(options: RedisEmbeddingCacheOptions): EmbeddingCache {
  const ttlSeconds = options.ttlSeconds ?? 30 * 24 * 3600;
  const timeoutMs = options.timeoutMs ?? 1000;
  const cooldownMs = options.cooldownMs ?? 5000;
  const now = options.now ?? Date.now;
  const report = options.onError ?? stderrReporter();
  const where = redactRedisUrl(options.url);
  const client = createClient({
    url: options.url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: timeoutMs,
      reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 5000),
    },
  });
  // Without a listener an 'error' event would crash the process; failures surface per call.
  client.on('error', () => {});
  let connecting: Promise<unknown> | undefined;
  let skipUntil = 0;
  let lastError = '';

  const ensureConnected = (): Promise<unknown> => {
    if (client.isReady) return Promise.resolve();
    connecting ??= client.connect().catch((error: unknown) => {
      connecting = undefined;
      throw error;
    });
    return connecting;
  };

  async function attempt<T>(action: () => Promise<T>): Promise<{ value?: T; error?: string }> {
    if (now() < skipUntil) {
      return { error: `the Redis embedding cache at ${where} is unavailable (${lastError})` };
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      const value = await Promise.race([
        ensureConnected().then(action),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer within ${timeoutMs} ms`)),
            timeoutMs,
          );
        }),
      ]);
      return { value };
    } catch (error) {
      lastError = redactRedisUrl(error instanceof Error ? error.message : String(error));
      skipUntil = now() + cooldownMs;
      const message = `the Redis embedding cache at ${where} failed (${lastError}); embeddings are fetched from the provider until it recovers`;
      report(message);
      return { error: message };
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    backend: 'redis',
    async getMany(keys) {
      if (keys.length === 0) return { values: [] };
      const result = await attempt(async () => {
        const replies: Array<string | null> = [];
        for (let start = 0; start < keys.length; start += KEYS_PER_MGET) {
          replies.push(...(await client.mGet(keys.slice(start, start + KEYS_PER_MGET))));
        }
        return replies;
      });
      const values = keys.map((_, index) => {
        const reply = result.value?.[index];
        return typeof reply === 'string' ? decodeVector(reply) : undefined;
      });
      return result.error === undefined ? { values } : { values, error: result.error };
    },
    async setMany(entries) {
      if (entries.length === 0) return {};
      const result = await attempt(async () => {
        const transaction = client.multi();
        for (const [key, vector] of entries) {
          transaction.set(key, encodeVector(vector), {
            expiration: { type: 'EX', value: ttlSeconds },
          });
        }
        await transaction.exec();
      });
      return result.error === undefined ? {} : { error: result.error };
    },
    async close() {
      if (client.isOpen) await client.close();
      else client.destroy();
    },
  };
}
