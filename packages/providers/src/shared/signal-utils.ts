/**
 * Helpers for the `AbortSignal` every provider call requires (seed 004), built on the
 * platform's `AbortSignal.any` and `AbortSignal.timeout` so no timer or listener leaks.
 *
 * @example
 * const { signal, controller } = SignalUtils.timeoutWithController(60_000);
 * stopButton.onclick = () => controller.abort();
 * for await (const event of provider.stream({ model, messages, signal })) { … }
 */
export const SignalUtils = {
  /** A signal that never aborts, for calls bounded by other means. */
  neverAbort(): AbortSignal {
    return new AbortController().signal;
  },

  /** A signal that aborts with a `TimeoutError` after `milliseconds`. */
  timeout(milliseconds: number): AbortSignal {
    return AbortSignal.timeout(milliseconds);
  },

  /** A timeout that can also be aborted by hand. */
  timeoutWithController(milliseconds: number): {
    signal: AbortSignal;
    controller: AbortController;
  } {
    const controller = new AbortController();
    return {
      signal: AbortSignal.any([controller.signal, AbortSignal.timeout(milliseconds)]),
      controller,
    };
  },

  /** A signal that aborts when any of `signals` aborts, with that signal's reason. */
  merge(...signals: AbortSignal[]): AbortSignal {
    return AbortSignal.any(signals);
  },

  /**
   * A signal that aborts once `increment()` has been called `maxTokens` times: call it for
   * each token to cap a stream's length on the client side.
   */
  tokenLimit(maxTokens: number): { signal: AbortSignal; increment: () => void } {
    const controller = new AbortController();
    let count = 0;
    return {
      signal: controller.signal,
      increment: () => {
        count += 1;
        if (count >= maxTokens && !controller.signal.aborted) {
          controller.abort(new TokenLimitReached(maxTokens));
        }
      },
    };
  },
};

/** The abort reason of a `SignalUtils.tokenLimit` signal. */
export class TokenLimitReached extends Error {
  constructor(readonly maxTokens: number) {
    super(`token limit of ${maxTokens} reached`);
    this.name = 'TokenLimitReached';
  }
}
