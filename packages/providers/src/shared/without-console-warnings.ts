/**
 * Calls `call` with `console.warn` silenced. The Anthropic SDK prints a deprecation notice with
 * `console.warn` synchronously at the start of `messages.create`, before it returns its promise;
 * Catalyst reports the same fact as a call warning (see `deprecationWarnings`), so the raw print
 * is suppressed. Only the synchronous part of `call` runs silenced: JavaScript runs nothing else
 * in between, so no other caller's warnings are lost.
 */
export function withoutConsoleWarnings<T>(call: () => T): T {
  const warn = console.warn;
  console.warn = () => {};
  try {
    return call();
  } finally {
    console.warn = warn;
  }
}
