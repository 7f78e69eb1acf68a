import type { JsonValue, WorkflowDefinition, WorkflowEvent } from '@catalyst/spec';
import { toJsonValue } from '../to-json-value.js';
import { errorResponse } from './error-response.js';
import { acceptsChatMessages } from './openai-gateway.js';
import { SSE_HEADERS } from './sse.js';

/** Response headers of the AI SDK UI message stream (what its server helpers send). */
export const UI_MESSAGE_STREAM_HEADERS: Readonly<Record<string, string>> = {
  ...SSE_HEADERS,
  'x-vercel-ai-ui-message-stream': 'v1',
};

/** One chunk of the UI message stream (the `ai` package's `UIMessageChunk`), as JSON. */
export type UIMessageChunk = { type: string } & Record<string, JsonValue | undefined>;

/**
 * The workflow input of a `POST /workflows/{id}/ui` body, as `DefaultChatTransport` sends it
 * (`{id, messages, trigger, messageId?, …body}`): the body's `input` object when it has one
 * (a client passes it with `sendMessage(message, { body: { input } })`), else — for a workflow
 * whose input takes chat messages — `{"messages": [{"role", "content"}]}` from the UI messages'
 * text parts. Undefined when neither applies.
 */
export function uiRequestInput(
  workflow: WorkflowDefinition,
  body: JsonValue,
): JsonValue | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const explicit = body.input;
  if (explicit !== undefined && explicit !== null && typeof explicit === 'object') return explicit;
  if (!acceptsChatMessages(workflow) || !Array.isArray(body.messages)) return undefined;
  return {
    messages: body.messages.map((message) => {
      const record =
        message !== null && typeof message === 'object' && !Array.isArray(message) ? message : {};
      const parts = Array.isArray(record.parts) ? record.parts : [];
      const content = parts
        .map((part) =>
          part !== null &&
          typeof part === 'object' &&
          !Array.isArray(part) &&
          part.type === 'text' &&
          typeof part.text === 'string'
            ? part.text
            : '',
        )
        .join('');
      return { role: typeof record.role === 'string' ? record.role : 'user', content };
    }),
  };
}

/** The 422 for a body that gives a workflow no input. */
export function uiInputMissing(workflow: WorkflowDefinition): Response {
  return errorResponse(422, {
    kind: 'invalid_input',
    message: `workflow "${workflow.id}" does not take chat messages (its input has no "messages" array): send its input as "input" in the request body`,
  });
}

/**
 * Translates a run's events into UI message chunks: `start`; per streaming node a text part
 * (`text-start` / `text-delta` / `text-end`, id `text-NODE`); tool calls as `tool-input-start` /
 * `tool-input-delta` / `tool-input-available`; `data-node` (transient), `data-route`,
 * `data-fallback`, `data-usage` (per node) and `data-cost`; then `finish`, or `error`.
 */
export async function* toUIMessageChunks(
  events: AsyncIterable<WorkflowEvent>,
): AsyncGenerator<UIMessageChunk> {
  yield { type: 'start' };
  /** Open text parts by node, with the part id (a fallback that discards starts a new part). */
  const openText = new Map<string, string>();
  const textParts = new Map<string, number>();
  /** Tool calls by `NODE/INDEX`: the id the client knows them by, and whether it started. */
  const toolCalls = new Map<string, { id: string; name: string }>();
  let finishReason: 'stop' | 'tool-calls' = 'stop';

  const closeText = function* (node: string): Generator<UIMessageChunk> {
    const id = openText.get(node);
    if (id === undefined) return;
    openText.delete(node);
    yield { type: 'text-end', id };
  };

  for await (const event of events) {
    switch (event.type) {
      case 'node':
        if (event.status === 'finished') yield* closeText(event.node);
        yield {
          type: 'data-node',
          data: { node: event.node, nodeType: event.nodeType, status: event.status },
          transient: true,
        };
        break;
      case 'token': {
        let id = openText.get(event.node);
        if (id === undefined) {
          const count = (textParts.get(event.node) ?? 0) + 1;
          textParts.set(event.node, count);
          id = count === 1 ? `text-${event.node}` : `text-${event.node}-${count}`;
          openText.set(event.node, id);
          yield { type: 'text-start', id };
        }
        yield { type: 'text-delta', id, delta: event.text };
        break;
      }
      case 'tool-call-delta': {
        const key = `${event.node}/${event.index}`;
        let call = toolCalls.get(key);
        if (call === undefined) {
          call = { id: event.id ?? `${event.node}-call-${event.index}`, name: event.name ?? '' };
          toolCalls.set(key, call);
          yield { type: 'tool-input-start', toolCallId: call.id, toolName: call.name };
        }
        if (event.argumentsDelta !== '') {
          yield {
            type: 'tool-input-delta',
            toolCallId: call.id,
            inputTextDelta: event.argumentsDelta,
          };
        }
        break;
      }
      case 'partial': {
        const output = event.output;
        if (output === null || typeof output !== 'object' || Array.isArray(output)) break;
        const calls = Array.isArray(output.toolCalls) ? output.toolCalls : [];
        for (const [index, raw] of calls.entries()) {
          if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) continue;
          const key = `${event.node}/${index}`;
          const name = typeof raw.name === 'string' ? raw.name : '';
          let call = toolCalls.get(key);
          if (call === undefined) {
            // The provider sent the call whole (no fragments): it starts and ends here.
            call = {
              id: typeof raw.id === 'string' ? raw.id : `${event.node}-call-${index}`,
              name,
            };
            toolCalls.set(key, call);
            yield { type: 'tool-input-start', toolCallId: call.id, toolName: name };
          }
          yield {
            type: 'tool-input-available',
            toolCallId: call.id,
            toolName: name,
            input: raw.arguments ?? null,
          };
          finishReason = 'tool-calls';
        }
        break;
      }
      case 'route': {
        const { type: _type, ...route } = event;
        yield { type: 'data-route', id: `route-${event.node}`, data: toJsonValue(route) };
        break;
      }
      case 'fallback': {
        const { type: _type, ...fallback } = event;
        const discarded = openText.get(event.node);
        // The part streamed so far is void; the next target's text goes to a new part.
        if (event.discard) yield* closeText(event.node);
        yield {
          type: 'data-fallback',
          data: toJsonValue({
            ...fallback,
            discardTextId: event.discard ? (discarded ?? null) : null,
          }),
        };
        break;
      }
      case 'done': {
        for (const node of [...openText.keys()]) yield* closeText(node);
        for (const [node, usage] of Object.entries(event.usage)) {
          yield {
            type: 'data-usage',
            id: `usage-${node}`,
            data: toJsonValue({
              node,
              provider: usage.provider,
              model: usage.model,
              usage: usage.usage,
              cost: usage.cost,
            }),
          };
        }
        yield { type: 'data-cost', id: 'cost', data: toJsonValue(event.cost) };
        yield { type: 'finish', finishReason };
        return;
      }
      case 'error':
        for (const node of [...openText.keys()]) yield* closeText(node);
        yield {
          type: 'data-error',
          data: {
            ...(event.node !== undefined && { node: event.node }),
            kind: event.kind,
            retryable: event.retryable,
          },
        };
        yield { type: 'error', errorText: event.message };
        return;
      default: {
        const unreachable: never = event;
        throw new Error(`unknown workflow event ${JSON.stringify(unreachable)}`);
      }
    }
  }
}

/**
 * The UI message stream response: one `data: JSON` frame per chunk, flushed at once, then
 * `data: [DONE]` — the bytes of the `ai` package's own server helpers.
 */
export function uiMessageStreamResponse(options: {
  chunks: AsyncIterable<UIMessageChunk>;
  onCancel: () => void;
}): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      const write = (text: string) => {
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          // The client went away; the run is being stopped.
        }
      };
      try {
        for await (const chunk of options.chunks) write(`data: ${JSON.stringify(chunk)}\n\n`);
      } catch (error) {
        const errorText = error instanceof Error ? error.message : String(error);
        write(`data: ${JSON.stringify({ type: 'error', errorText })}\n\n`);
      } finally {
        write('data: [DONE]\n\n');
        try {
          controller.close();
        } catch {
          // Already cancelled by the client.
        }
      }
    },
    cancel() {
      options.onCancel();
    },
  });
  return new Response(body, { status: 200, headers: { ...UI_MESSAGE_STREAM_HEADERS } });
}
