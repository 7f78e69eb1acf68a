import type { ServerResponse } from 'node:http';

/**
 * Watches one response: whether the connection is gone, whether the server or the client cut
 * it, and when the first byte went out. Every wait is a cancellable timer, so nothing is
 * written (and no timer stays armed) after the client leaves.
 */
export class ResponseTracker {
  /** True once the connection closed, for whatever reason. */
  closed = false;
  /** True when the simulator itself destroyed the socket (a reset or disconnect fault). */
  serverCut = false;
  /** Epoch milliseconds of the first body write, if any. */
  firstByteAt: number | null = null;
  /** Resolves when the connection closes. */
  readonly whenClosed: Promise<void>;
  private readonly timers = new Set<{ timer: NodeJS.Timeout; resolve: (done: boolean) => void }>();

  constructor(readonly response: ServerResponse) {
    this.whenClosed = new Promise((resolve) => {
      response.on('close', () => {
        this.closed = true;
        for (const entry of this.timers) {
          clearTimeout(entry.timer);
          entry.resolve(false);
        }
        this.timers.clear();
        resolve();
      });
    });
  }

  /** True when the client closed the connection before the response finished. */
  get clientClosedEarly(): boolean {
    return this.closed && !this.response.writableFinished && !this.serverCut;
  }

  /** Waits `milliseconds`; resolves false (at once) when the connection closes meanwhile. */
  wait(milliseconds: number): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    if (milliseconds <= 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.timers.delete(entry);
          resolve(!this.closed);
        }, milliseconds),
        resolve,
      };
      this.timers.add(entry);
    });
  }

  /** Writes body bytes unless the connection is gone; returns whether it wrote. */
  write(bytes: string | Buffer): boolean {
    if (this.closed || this.response.destroyed) return false;
    this.firstByteAt ??= Date.now();
    this.response.write(bytes);
    return true;
  }

  /** Ends the response unless the connection is gone. */
  end(bytes?: string | Buffer): void {
    if (this.closed || this.response.destroyed) return;
    if (bytes !== undefined) this.firstByteAt ??= Date.now();
    this.response.end(bytes);
  }

  /**
   * Cuts the connection from the server side (reset / disconnect faults). Bytes already written
   * are flushed first, so a mid-stream disconnect delivers the chunks before it.
   */
  async destroySocket(): Promise<void> {
    this.serverCut = true;
    const socket = this.response.socket;
    // Poll rather than wait for 'drain', which only fires after a write returned false.
    for (
      let turn = 0;
      socket && !socket.destroyed && socket.writableLength > 0 && turn < 100;
      turn++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    socket?.destroy();
    this.response.destroy();
  }
}
