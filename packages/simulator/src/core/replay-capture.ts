import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { ReplyPlan, SimProvider, StreamFrame } from '../types.js';
import type { ResponseTracker } from './response-tracker.js';
import type { ReplayAction } from './scenario.js';
import { streamFrames } from './stream-frames.js';

type ReplayFormat = NonNullable<ReplayAction['format']>;

function inferFormat(file: string): ReplayFormat {
  if (file.endsWith('.chunks.txt')) return 'chunks';
  if (file.endsWith('.json')) return 'json';
  return 'sse';
}

/** Splits raw SSE bytes after each blank line, so the frames joined are the file exactly. */
function splitRawEvents(text: string): StreamFrame[] {
  return text
    .split(/(?<=\r\n\r\n|\n\n|\r\r)/)
    .filter((wire) => wire.length > 0)
    .map((wire) => ({ wire, content: !wire.includes('[DONE]') }));
}

/** Frames one-JSON-per-line payloads in the SSE style of the request's protocol. */
function frameChunkLines(text: string, provider: SimProvider): StreamFrame[] {
  const lines = text.split(/\r?\n/).filter((line) => line.trim().length > 0);
  switch (provider) {
    case 'anthropic':
      return lines.map((line) => {
        const type = (JSON.parse(line) as { type?: string }).type ?? 'message';
        return { wire: `event: ${type}\ndata: ${line}\n\n`, content: true };
      });
    case 'gemini':
      // Google ends SSE events with CRLF pairs and sends no terminator.
      return lines.map((line) => ({ wire: `data: ${line}\r\n\r\n`, content: true }));
    case 'openai':
    case 'azure':
    case 'groq':
    case 'xai':
    case 'voyage':
      return [
        ...lines.map((line) => ({ wire: `data: ${line}\n\n`, content: true })),
        { wire: 'data: [DONE]\n\n', content: false },
      ];
    default: {
      const unreachable: never = provider;
      throw new Error(`unknown provider ${String(unreachable)}`);
    }
  }
}

/**
 * Serves a recorded capture as the answer: raw SSE byte for byte, `.chunks.txt` framed for the
 * protocol, or a whole JSON body with a status. The plan's timing and stream faults still apply.
 */
export async function replayCapture(options: {
  replay: ReplayAction;
  baseDirectory: string;
  provider: SimProvider;
  plan: ReplyPlan;
  tracker: ResponseTracker;
}): Promise<void> {
  const { replay, tracker, plan } = options;
  const path = isAbsolute(replay.file) ? replay.file : resolve(options.baseDirectory, replay.file);
  const text = await readFile(path, 'utf8');
  const format = replay.format ?? inferFormat(replay.file);
  switch (format) {
    case 'json': {
      await tracker.wait(plan.timing.firstTokenMs);
      if (tracker.closed) return;
      tracker.response.writeHead(replay.status ?? 200, { 'content-type': 'application/json' });
      tracker.end(text);
      return;
    }
    case 'sse':
    case 'chunks': {
      const frames =
        format === 'sse' ? splitRawEvents(text) : frameChunkLines(text, options.provider);
      await streamFrames({
        tracker,
        plan,
        frames,
        streamOptions: {
          malformedFrame: 'data: {"id":"chatcmpl-replay","choices":[{"delta":{"content":"\n\n',
          errorFrame: (kind, message) =>
            `data: ${JSON.stringify({ error: { message, type: kind, code: kind } })}\n\n`,
        },
      });
      return;
    }
    default: {
      const unreachable: never = format;
      throw new Error(`unknown replay format ${String(unreachable)}`);
    }
  }
}
