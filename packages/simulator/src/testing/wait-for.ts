/**
 * Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`.
 * Tests use it for facts that settle asynchronously, such as a connection close reaching the
 * request log after a client aborts.
 */
export async function waitFor<T>(
  check: () => T | undefined,
  options: { timeoutMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 2000);
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${options.what ?? 'a condition'}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
