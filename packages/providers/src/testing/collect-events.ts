/**
 * Every item of a stream, in order, once it has ended. For tests: a provider stream always ends,
 * with exactly one terminal event.
 *
 * @example
 * const events = await collectEvents(provider.stream(request));
 */
export async function collectEvents<Item>(items: AsyncIterable<Item>): Promise<Item[]> {
  const collected: Item[] = [];
  for await (const item of items) collected.push(item);
  return collected;
}

/**
 * Events as plain JSON with every request id replaced by one placeholder: a simulator names each
 * response anew, so two paths to the same answer differ there and nowhere else that matters.
 *
 * @example
 * expect(withoutRequestIds(directEvents)).toEqual(withoutRequestIds(sdkEvents));
 */
export function withoutRequestIds(events: readonly unknown[]): unknown[] {
  return JSON.parse(
    JSON.stringify(events, (key, value: unknown) =>
      key === 'requestId' && typeof value === 'string' ? '<request id>' : value,
    ),
  );
}
