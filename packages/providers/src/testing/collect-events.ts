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
