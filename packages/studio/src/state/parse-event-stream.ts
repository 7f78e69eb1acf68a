import type { WorkflowEvent } from '@catalyst/spec';

/**
 * Reads a Server-Sent Events body and yields each event's JSON payload with its `event:` name
 * as `type` (the protocol of docs/protocol.md). Comments (keep-alives) are skipped.
 */
export async function* parseEventStream(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<WorkflowEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let boundary = buffer.indexOf('\n\n');
      while (boundary >= 0) {
        const block = buffer.slice(0, boundary);
        buffer = buffer.slice(boundary + 2);
        boundary = buffer.indexOf('\n\n');
        let name = 'message';
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event:')) name = line.slice(6).trim();
          else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
        }
        if (data.length === 0) continue;
        yield { ...JSON.parse(data.join('\n')), type: name } as WorkflowEvent;
      }
    }
  } finally {
    reader.releaseLock();
  }
}
