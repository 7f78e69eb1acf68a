import { createClient } from 'redis';
import { isTerminal, type RunEventStore, type RunRecord } from './run-event-store.js';

/** Key prefix of every resumable-stream key; the Python runtime uses the same keys. */
export const RUN_KEY_PREFIX = 'catalyst:run:';

/**
 * How long a run's keys live while it is still running, refreshed by every event: a run whose
 * server died mid-run is forgotten this long after its last event.
 */
const RUNNING_TTL_MS = 10 * 60_000;

type Client = ReturnType<typeof createClient>;

/**
 * Runs in Redis, so a client can resume on any server sharing `REDIS_URL`. Per run:
 * `catalyst:run:ID:events` (a list of `{"seq","event"}` JSON, seq 1 first),
 * `catalyst:run:ID:workflow` (the workflow id), `catalyst:run:ID:readers` (a counter), and
 * the channel `catalyst:run:ID` on which each event is also published as it is appended.
 * A reader subscribes first, then reads the list, then takes published events it has not seen.
 *
 * Writes of one run are chained so the list keeps the run's order. A failed write is reported
 * once through `log` (never with the URL) and does not stop the run: this server still serves
 * its own clients from memory.
 */
export class RedisRunEventStore implements RunEventStore {
  private readonly client: Client;
  private subscriber: Client | undefined;
  private connecting: Promise<unknown> | undefined;
  private readonly retentionMs: number;
  private readonly writes = new Map<string, Promise<void>>();
  private readonly log: (line: string) => void;
  private failing = false;

  constructor(options: { url: string; retentionMs: number; log?: (line: string) => void }) {
    this.retentionMs = options.retentionMs;
    this.log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
    this.client = createClient({ url: options.url });
    // Without a listener node-redis throws connection errors; failures are reported per call.
    this.client.on('error', () => {});
  }

  begin(runId: string, workflowId: string): Promise<void> {
    return this.chain(runId, async (client) => {
      await client.set(key(runId, 'workflow'), workflowId, { PX: RUNNING_TTL_MS });
    });
  }

  append(runId: string, record: RunRecord): Promise<void> {
    const ttl = isTerminal(record.event) ? this.retentionMs : RUNNING_TTL_MS;
    const json = JSON.stringify(record);
    return this.chain(runId, async (client) => {
      await client
        .multi()
        .rPush(key(runId, 'events'), json)
        .pExpire(key(runId, 'events'), Math.max(1, ttl))
        .pExpire(key(runId, 'workflow'), Math.max(1, ttl))
        .publish(`${RUN_KEY_PREFIX}${runId}`, json)
        .exec();
    });
  }

  async read(options: {
    runId: string;
    workflowId: string;
    after: number;
    signal: AbortSignal;
  }): Promise<AsyncIterable<RunRecord> | undefined> {
    const client = await this.connected();
    const subscriber = await this.connectedSubscriber();
    const channel = `${RUN_KEY_PREFIX}${options.runId}`;
    const published: RunRecord[] = [];
    let wake: (() => void) | undefined;
    const listener = (message: string) => {
      published.push(JSON.parse(message) as RunRecord);
      wake?.();
    };
    // Subscribe before reading the list, so no event falls between the two.
    await subscriber.subscribe(channel, listener);
    const [workflowId, listed] = await Promise.all([
      client.get(key(options.runId, 'workflow')),
      client.lRange(key(options.runId, 'events'), options.after, -1),
    ]);
    if (workflowId !== options.workflowId) {
      await subscriber.unsubscribe(channel, listener);
      return undefined;
    }
    const { signal } = options;
    return (async function* () {
      const stop = () => wake?.();
      signal.addEventListener('abort', stop, { once: true });
      try {
        let last = options.after;
        for (const item of listed) {
          const record = JSON.parse(item) as RunRecord;
          last = record.seq;
          yield record;
          if (isTerminal(record.event)) return;
        }
        while (!signal.aborted) {
          const record = published.shift();
          if (record === undefined) {
            if (signal.aborted) break;
            await new Promise<void>((resolve) => {
              wake = resolve;
            });
            wake = undefined;
            continue;
          }
          if (record.seq <= last) continue;
          last = record.seq;
          yield record;
          if (isTerminal(record.event)) return;
        }
      } finally {
        signal.removeEventListener('abort', stop);
        await subscriber.unsubscribe(channel, listener).catch(() => {});
      }
    })();
  }

  async attach(runId: string): Promise<void> {
    await this.safely(async (client) => {
      await client
        .multi()
        .incr(key(runId, 'readers'))
        .pExpire(key(runId, 'readers'), RUNNING_TTL_MS)
        .exec();
    });
  }

  async detach(runId: string): Promise<void> {
    await this.safely(async (client) => {
      await client.decr(key(runId, 'readers'));
    });
  }

  async readers(runId: string): Promise<number> {
    let count = 0;
    await this.safely(async (client) => {
      count = Number((await client.get(key(runId, 'readers'))) ?? 0);
    });
    return count;
  }

  async close(): Promise<void> {
    await Promise.all([...this.writes.values()]);
    for (const client of [this.subscriber, this.client]) {
      // A client that never connected has nothing to close (destroy() would throw).
      if (client?.isOpen) await client.close().catch(() => {});
    }
  }

  private async connected(): Promise<Client> {
    if (!this.client.isOpen) {
      this.connecting ??= this.client.connect().finally(() => {
        this.connecting = undefined;
      });
      await this.connecting;
    }
    return this.client;
  }

  private async connectedSubscriber(): Promise<Client> {
    if (this.subscriber === undefined) {
      const subscriber = this.client.duplicate();
      subscriber.on('error', () => {});
      this.subscriber = subscriber;
      await subscriber.connect();
    }
    return this.subscriber;
  }

  /** Runs one write after the run's previous one, so the list keeps the run's order. */
  private chain(runId: string, write: (client: Client) => Promise<void>): Promise<void> {
    const previous = this.writes.get(runId) ?? Promise.resolve();
    const next = previous.then(() => this.safely(write));
    this.writes.set(runId, next);
    void next.then(() => {
      if (this.writes.get(runId) === next) this.writes.delete(runId);
    });
    return next;
  }

  private async safely(operation: (client: Client) => Promise<void>): Promise<void> {
    try {
      await operation(await this.connected());
      if (this.failing) {
        this.failing = false;
        this.log('catalyst streams: Redis is reachable again; runs are resumable on every server');
      }
    } catch (error) {
      if (!this.failing) {
        const reason = error instanceof Error ? error.message : String(error);
        this.log(
          `catalyst streams: Redis is unavailable (${reason}); runs are resumable only on the server that runs them`,
        );
      }
      this.failing = true;
    }
  }
}

function key(runId: string, part: string): string {
  return `${RUN_KEY_PREFIX}${runId}:${part}`;
}
