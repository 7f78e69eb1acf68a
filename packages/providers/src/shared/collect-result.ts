import { type ChatResult, ProviderError, type StreamEvent } from '@catalyst/spec';

/**
 * Runs a stream to its terminal event: the assembled result on `done`, a thrown
 * `ProviderError` on `error`. `generate()` of every provider is this over `stream()`.
 */
export async function collectResult(events: AsyncIterable<StreamEvent>): Promise<ChatResult> {
  for await (const event of events) {
    if (event.type === 'done') {
      const { type: _type, ...result } = event;
      return result;
    }
    if (event.type === 'error') throw new ProviderError(event.error);
  }
  // providerStream always ends with a terminal event; reaching here is a bug in an adapter.
  throw new Error('provider stream ended without a done or error event');
}
