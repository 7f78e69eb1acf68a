import type { CallWarning, StreamEvent } from '@catalyst/spec';

/**
 * Passes `events` through, adding `warnings` to the terminal `done` event (the settings the
 * provider could not honour), so callers see them beside usage instead of losing them silently.
 *
 * @example
 * return withWarnings(providerStream({ … }), anthropicWarnings(request));
 */
export function withWarnings(
  events: AsyncIterable<StreamEvent>,
  warnings: readonly CallWarning[],
): AsyncIterable<StreamEvent> {
  // Nothing to add (the usual case): the stream itself, not a generator hop per token.
  if (warnings.length === 0) return events;
  return addWarnings(events, warnings);
}

async function* addWarnings(
  events: AsyncIterable<StreamEvent>,
  warnings: readonly CallWarning[],
): AsyncGenerator<StreamEvent> {
  for await (const event of events) {
    yield event.type === 'done'
      ? { ...event, warnings: [...(event.warnings ?? []), ...warnings] }
      : event;
  }
}
