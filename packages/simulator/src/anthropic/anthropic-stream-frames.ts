import type { ReplyPlan, StreamFrame } from '../types.js';
import { anthropicToolUseId } from './anthropic-ids.js';
import { anthropicUsage } from './anthropic-usage.js';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason.js';
import { splitJsonFragments } from './split-json-fragments.js';

/** One SSE frame: the `event:` line names the data's `type`, as the TS SDK requires. */
function frame(event: string, data: unknown, content = false): StreamFrame {
  return { wire: `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`, content };
}

/** The keep-alive Anthropic sends after the first block starts (with its odd spacing). */
const PING: StreamFrame = { wire: 'event: ping\ndata: {"type": "ping"}\n\n', content: false };

/**
 * A frame whose JSON is cut off mid-string: what a client sees when a proxy truncates a chunk.
 * The event name is a real one, so the SDK tries to parse it and fails.
 */
export const ANTHROPIC_MALFORMED_FRAME =
  'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"trunc\n\n';

/**
 * The wire frames of a streamed reply, in the real order: message_start (real input usage,
 * placeholder output), then per block content_block_start, deltas, content_block_stop (ping after
 * the first start), then message_delta (cumulative usage) and message_stop. Text deltas and
 * non-empty tool-argument fragments are content frames; everything else is bookkeeping.
 */
export function* anthropicStreamFrames(plan: ReplyPlan, messageId: string): Generator<StreamFrame> {
  yield frame('message_start', {
    type: 'message_start',
    message: {
      id: messageId,
      type: 'message',
      role: 'assistant',
      model: plan.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: anthropicUsage(plan, Math.min(1, plan.usage.outputTokens)),
    },
  });
  let index = 0;
  let pinged = false;
  const ping = function* (): Generator<StreamFrame> {
    if (!pinged) {
      pinged = true;
      yield PING;
    }
  };
  const text = plan.chunks.filter((chunk) => chunk !== '');
  if (text.length > 0) {
    yield frame('content_block_start', {
      type: 'content_block_start',
      index,
      content_block: { type: 'text', text: '' },
    });
    yield* ping();
    for (const chunk of text) {
      yield frame(
        'content_block_delta',
        { type: 'content_block_delta', index, delta: { type: 'text_delta', text: chunk } },
        true,
      );
    }
    yield frame('content_block_stop', { type: 'content_block_stop', index });
    index += 1;
  }
  for (const call of plan.toolCalls) {
    yield frame('content_block_start', {
      type: 'content_block_start',
      index,
      content_block: {
        type: 'tool_use',
        id: anthropicToolUseId(call.id),
        name: call.name,
        input: {},
      },
    });
    yield* ping();
    // The real API opens every tool block with an empty fragment before the JSON itself.
    yield frame('content_block_delta', {
      type: 'content_block_delta',
      index,
      delta: { type: 'input_json_delta', partial_json: '' },
    });
    for (const fragment of splitJsonFragments(call.arguments)) {
      yield frame(
        'content_block_delta',
        {
          type: 'content_block_delta',
          index,
          delta: { type: 'input_json_delta', partial_json: fragment },
        },
        true,
      );
    }
    yield frame('content_block_stop', { type: 'content_block_stop', index });
    index += 1;
  }
  yield* ping();
  const usage = anthropicUsage(plan);
  yield frame('message_delta', {
    type: 'message_delta',
    delta: {
      stop_reason: mapAnthropicStopReason(plan.finish),
      stop_sequence: plan.finish === 'stop_sequence' ? (plan.stopSequence ?? null) : null,
    },
    usage: {
      input_tokens: usage.input_tokens,
      cache_creation_input_tokens: usage.cache_creation_input_tokens,
      cache_read_input_tokens: usage.cache_read_input_tokens,
      output_tokens: usage.output_tokens,
    },
  });
  yield frame('message_stop', { type: 'message_stop' });
}
