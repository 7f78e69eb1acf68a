import type { WorkflowEvent } from '@catalyst/spec';

/** Response headers of every event stream (DESIGN.md); X-Accel-Buffering stops nginx buffering. */
export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no',
  connection: 'keep-alive',
};

/** The keep-alive comment sent while nothing else is being sent. */
export const SSE_KEEP_ALIVE = ': keep-alive\n\n';

/**
 * One event on the wire: `id: RUN:SEQ`, `event: NAME`, one `data:` line of JSON (without the
 * `type` field, which is the event name), a blank line. JSON.stringify escapes every CR and LF,
 * so data is always one line; run ids and sequence numbers never contain CR or LF.
 */
export function encodeSseEvent(event: WorkflowEvent, id: string): string {
  const { type, ...payload } = event;
  return `id: ${id}\nevent: ${type}\ndata: ${JSON.stringify(payload)}\n\n`;
}
