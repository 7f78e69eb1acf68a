import type { DoneEvent, ErrorEvent, StreamEvent } from '@catalyst/spec';

/**
 * The one terminal event (`done` or `error`) of a finished stream. Throws when there is none,
 * more than one, or when it is not the last event: the stream contract every provider keeps.
 */
export function terminalEvent(events: readonly StreamEvent[]): DoneEvent | ErrorEvent {
  const terminals = events.filter(
    (event): event is DoneEvent | ErrorEvent => event.type === 'done' || event.type === 'error',
  );
  const [terminal] = terminals;
  if (terminal === undefined || terminals.length !== 1 || terminal !== events.at(-1)) {
    throw new Error(
      `expected exactly one terminal event, last in the stream; got ${terminals.length} in ${JSON.stringify(events.map((event) => event.type))}`,
    );
  }
  return terminal;
}

/**
 * The terminal `error` event of a finished stream. Throws when the stream ended otherwise, or
 * when any of `secrets` (the keys the provider was configured with) shows anywhere in it.
 */
export function terminalError(
  events: readonly StreamEvent[],
  options: { secrets?: readonly string[] } = {},
): ErrorEvent {
  const last = terminalEvent(events);
  if (last.type !== 'error') {
    throw new Error(`expected an error event, got ${JSON.stringify(last)}`);
  }
  const serialised = JSON.stringify(last);
  for (const secret of options.secrets ?? []) {
    if (secret && serialised.includes(secret)) {
      throw new Error('a configured secret reached the error event');
    }
  }
  return last;
}
