import { abortedError } from './local-error.js';

/** A borrowed item; `release()` hands it back (calling it twice is harmless). */
export interface Lease<Item> {
  item: Item;
  release(): void;
}

/**
 * A fixed set of items (context sequences) lent to one caller at a time, first come first
 * served. Callers beyond the pool size wait; a waiter whose signal aborts leaves the queue at
 * once with an `aborted` error.
 */
export class SequencePool<Item> {
  readonly #free: Item[];
  readonly #waiters: Array<(item: Item) => void> = [];

  constructor(items: readonly Item[]) {
    this.#free = [...items];
  }

  /** Callers waiting for an item right now. */
  get waiting(): number {
    return this.#waiters.length;
  }

  /** Waits for a free item. */
  acquire(signal: AbortSignal): Promise<Lease<Item>> {
    if (signal.aborted) return Promise.reject(abortedError());
    const item = this.#free.pop();
    if (item !== undefined) return Promise.resolve(this.#lease(item));
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        const index = this.#waiters.indexOf(grant);
        if (index >= 0) this.#waiters.splice(index, 1);
        reject(abortedError());
      };
      const grant = (granted: Item) => {
        signal.removeEventListener('abort', onAbort);
        resolve(this.#lease(granted));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(grant);
    });
  }

  #lease(item: Item): Lease<Item> {
    let released = false;
    return {
      item,
      release: () => {
        if (released) return;
        released = true;
        const next = this.#waiters.shift();
        if (next) next(item);
        else this.#free.push(item);
      },
    };
  }
}
