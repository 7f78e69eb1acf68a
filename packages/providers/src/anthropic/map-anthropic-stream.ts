import type {
  Usage as AnthropicUsage,
  MessageDeltaUsage,
  RawMessageStreamEvent,
} from '@anthropic-ai/sdk/resources/messages';
import type { Usage } from '@catalyst/spec';
import type { RawPart } from '../shared/raw-part.js';
import { ANTHROPIC_JSON_TOOL_NAME } from './anthropic-json-tool.js';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason.js';

/**
 * Maps Anthropic stream events to `RawPart`s: text deltas become text, `tool_use` blocks become
 * tool-call deltas keyed by a 0-based tool index, usage (with cache tokens counted into the
 * input) and the stop reason are reported as they arrive. Thinking deltas are not reply text and
 * are skipped.
 *
 * In JSON mode the forced `json` tool's argument fragments are the answer, so they become text.
 * Text blocks still pass through: a forced tool suppresses preamble text in the real API, and a
 * server that answers JSON as plain text then still yields it.
 */
export async function* mapAnthropicStream(
  events: AsyncIterable<RawMessageStreamEvent>,
  options: { jsonMode: boolean },
): AsyncGenerator<RawPart> {
  const toolIndexByBlock = new Map<number, number>();
  const jsonBlocks = new Set<number>();
  // message_delta may repeat only some usage fields; keep the parts to recompute the input total.
  const input = { uncached: 0, cacheRead: 0, cacheWrite: 0 };

  for await (const event of events) {
    switch (event.type) {
      case 'message_start':
        yield { type: 'metadata', model: event.message.model };
        yield { type: 'usage', usage: mapUsage(event.message.usage, input) };
        break;
      case 'content_block_start': {
        const block = event.content_block;
        if (block.type !== 'tool_use') break;
        if (options.jsonMode && block.name === ANTHROPIC_JSON_TOOL_NAME) {
          jsonBlocks.add(event.index);
          break;
        }
        const toolIndex = toolIndexByBlock.size;
        toolIndexByBlock.set(event.index, toolIndex);
        yield {
          type: 'tool-call-delta',
          index: toolIndex,
          id: block.id,
          name: block.name,
          argumentsDelta: '',
        };
        break;
      }
      case 'content_block_delta': {
        const delta = event.delta;
        if (delta.type === 'text_delta') {
          yield { type: 'text', text: delta.text };
        } else if (delta.type === 'input_json_delta') {
          if (jsonBlocks.has(event.index)) {
            yield { type: 'text', text: delta.partial_json };
            break;
          }
          const toolIndex = toolIndexByBlock.get(event.index);
          if (toolIndex !== undefined && delta.partial_json !== '') {
            yield { type: 'tool-call-delta', index: toolIndex, argumentsDelta: delta.partial_json };
          }
        }
        // thinking, signature and citations deltas carry no reply text.
        break;
      }
      case 'message_delta':
        yield { type: 'usage', usage: mapUsage(event.usage, input) };
        if (event.delta.stop_reason) {
          yield {
            type: 'finish',
            finishReason: mapAnthropicStopReason({
              stopReason: event.delta.stop_reason,
              jsonMode: options.jsonMode,
            }),
          };
        }
        break;
      case 'content_block_stop':
      case 'message_stop':
        break;
      default: {
        // The SDK only yields known event names, but a newer API may add event types.
        const unknown: never = event;
        void unknown;
      }
    }
  }
}

/**
 * Anthropic's `input_tokens` excludes cached tokens; Catalyst's `inputTokens` includes them so
 * cost can split the input into uncached, cache-read and cache-write parts.
 */
function mapUsage(
  usage: AnthropicUsage | MessageDeltaUsage,
  input: { uncached: number; cacheRead: number; cacheWrite: number },
): Partial<Usage> {
  const result: Partial<Usage> = { outputTokens: usage.output_tokens };
  const hasInput =
    typeof usage.input_tokens === 'number' ||
    typeof usage.cache_read_input_tokens === 'number' ||
    typeof usage.cache_creation_input_tokens === 'number';
  if (typeof usage.input_tokens === 'number') input.uncached = usage.input_tokens;
  if (typeof usage.cache_read_input_tokens === 'number') {
    input.cacheRead = usage.cache_read_input_tokens;
  }
  if (typeof usage.cache_creation_input_tokens === 'number') {
    input.cacheWrite = usage.cache_creation_input_tokens;
  }
  if (hasInput) {
    result.inputTokens = input.uncached + input.cacheRead + input.cacheWrite;
    result.cacheReadTokens = input.cacheRead;
    result.cacheWriteTokens = input.cacheWrite;
  }
  const thinking = usage.output_tokens_details?.thinking_tokens;
  if (typeof thinking === 'number') result.reasoningTokens = thinking;
  return result;
}
