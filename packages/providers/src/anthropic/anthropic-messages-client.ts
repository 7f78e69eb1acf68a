import type Anthropic from '@anthropic-ai/sdk';
import type {
  MessageCreateParamsStreaming,
  RawMessageStreamEvent,
} from '@anthropic-ai/sdk/resources/messages';
import { withoutConsoleWarnings } from '../shared/without-console-warnings.js';

/** An opened Messages stream, with the `request-id` response header when there is one. */
export interface AnthropicMessagesStream {
  events: AsyncIterable<RawMessageStreamEvent>;
  requestId?: string;
}

/**
 * The one hot call the provider makes, over either the direct HTTP client (shipped) or the
 * official SDK (the oracle in tests). Aborting `signal`, or closing `events` early, closes the
 * connection.
 */
export interface AnthropicMessagesClient {
  streamMessages(
    body: MessageCreateParamsStreaming,
    signal: AbortSignal,
    headers?: Record<string, string>,
  ): Promise<AnthropicMessagesStream>;
}

/** Wraps an `@anthropic-ai/sdk` client (built with `maxRetries: 0`: `providerStream` retries). */
export function anthropicSdkMessagesClient(client: Anthropic): AnthropicMessagesClient {
  return {
    async streamMessages(body, signal, headers) {
      // The SDK's console notice for deprecated models is replaced by a call warning.
      const { data, request_id: requestId } = await withoutConsoleWarnings(() =>
        client.messages.create(body, { signal, ...(headers && { headers }) }),
      ).withResponse();
      return requestId ? { events: data, requestId } : { events: data };
    },
  };
}
