/**
 * Bridges a callback producer (node-llama-cpp's `onTextChunk`) to an async iterator consumer.
 * The producer never waits: text chunks are small and a reply is bounded by `maxTokens`, so an
 * unbounded buffer is fine and keeps generation from stalling on a slow reader.
 */
export class AsyncChunkQueue<Chunk> implements AsyncIterable<Chunk> {
  readonly #buffer: Chunk[] = [];
  #ended = false;
  #failure: { error: unknown } | undefined;
  #wake: (() => void) | undefined;

  /** Adds a chunk; ignored after the queue ended. */
  push(chunk: Chunk): void {
    if (this.#ended) return;
    this.#buffer.push(chunk);
    this.#notify();
  }

  /** Ends the iteration once the buffer is drained. */
  end(): void {
    this.#ended = true;
    this.#notify();
  }

  /** Ends the iteration with `error`, thrown after the buffered chunks. */
  fail(error: unknown): void {
    if (this.#ended) return;
    this.#failure = { error };
    this.end();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Chunk> {
    while (true) {
      const chunk = this.#buffer.shift();
      if (chunk !== undefined) {
        yield chunk;
        continue;
      }
      if (this.#ended) {
        if (this.#failure) throw this.#failure.error;
        return;
      }
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }
}
