/** What the router remembers about one target (`provider/model`). */
export interface TargetStats {
  /** Moving average of the time to first token, in ms; undefined until a call succeeded. */
  ttftMs?: number;
  /** Whether the target is in its cooldown (left out after repeated failures). */
  coolingDown: boolean;
}

/** The state one routing decision reads. */
export interface RouterStateSnapshot {
  stats: Map<string, TargetStats>;
  /** Set when shared state was unreachable and this process's own memory answered instead. */
  warning?: string;
}

/** A cooldown rule: after `failures` consecutive failures, leave the target out for `seconds`. */
export interface CooldownRule {
  failures: number;
  seconds: number;
}

/**
 * Router state: latency averages, failure counters, cooldowns and weighted-turn counters, keyed
 * by target (`provider/model`) so every router node and every server sharing the store learns
 * from every call. In memory by default ({@link MemoryRouterState}); in Redis when `REDIS_URL`
 * is set ({@link RedisRouterState}), so several servers share it.
 */
export interface RouterState {
  read(targets: readonly string[]): Promise<RouterStateSnapshot>;
  /** A call succeeded: resets the failure count; `ttftMs` feeds the moving average. */
  recordSuccess(target: string, ttftMs: number | undefined): Promise<void>;
  /** A call failed in a way that is the target's fault (rate limit, overload, 5xx, timeout, network). */
  recordFailure(target: string, cooldown: CooldownRule | undefined): Promise<void>;
  /** The next turn (0, 1, 2 …) of a weighted rotation named `key`. */
  nextTurn(key: string): Promise<number>;
  close(): Promise<void>;
}

/** Weight of the newest sample in the time-to-first-token moving average (both runtimes). */
export const TTFT_SMOOTHING = 0.3;

/** The new moving average after `sample`. */
export function nextAverage(average: number | undefined, sample: number): number {
  return average === undefined ? sample : average + TTFT_SMOOTHING * (sample - average);
}

interface MemoryEntry {
  ttftMs?: number;
  failures: number;
  cooldownUntil: number;
}

/**
 * Router state in this process's memory (the default). `now` is injectable so tests of
 * cooldowns need no sleeps.
 *
 * @example
 * const state = new MemoryRouterState();
 * await state.recordFailure('groq/llama-3.1-8b-instant', { failures: 1, seconds: 30 });
 * (await state.read(['groq/llama-3.1-8b-instant'])).stats.get('groq/llama-3.1-8b-instant')?.coolingDown; // true
 */
export class MemoryRouterState implements RouterState {
  private readonly entries = new Map<string, MemoryEntry>();
  private readonly turns = new Map<string, number>();
  private readonly now: () => number;

  constructor(options: { now?: () => number } = {}) {
    this.now = options.now ?? Date.now;
  }

  async read(targets: readonly string[]): Promise<RouterStateSnapshot> {
    const stats = new Map<string, TargetStats>();
    const now = this.now();
    for (const target of targets) {
      const entry = this.entries.get(target);
      const value: TargetStats = { coolingDown: entry !== undefined && now < entry.cooldownUntil };
      if (entry?.ttftMs !== undefined) value.ttftMs = entry.ttftMs;
      stats.set(target, value);
    }
    return { stats };
  }

  async recordSuccess(target: string, ttftMs: number | undefined): Promise<void> {
    const entry = this.entry(target);
    entry.failures = 0;
    if (ttftMs !== undefined) entry.ttftMs = nextAverage(entry.ttftMs, ttftMs);
  }

  async recordFailure(target: string, cooldown: CooldownRule | undefined): Promise<void> {
    const entry = this.entry(target);
    entry.failures += 1;
    if (cooldown !== undefined && entry.failures >= cooldown.failures) {
      entry.cooldownUntil = this.now() + cooldown.seconds * 1000;
      entry.failures = 0;
    }
  }

  async nextTurn(key: string): Promise<number> {
    const turn = this.turns.get(key) ?? 0;
    this.turns.set(key, turn + 1);
    return turn;
  }

  async close(): Promise<void> {}

  private entry(target: string): MemoryEntry {
    let entry = this.entries.get(target);
    if (!entry) {
      entry = { failures: 0, cooldownUntil: 0 };
      this.entries.set(target, entry);
    }
    return entry;
  }
}
