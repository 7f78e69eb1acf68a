import type { ReplyPlan, StreamFrame } from '../types.js';
import {
  functionCallParts,
  type GeminiPart,
  type GeminiResponse,
  geminiCandidates,
  geminiResponseId,
  geminiUsage,
} from './gemini-response.js';

/**
 * How a stream is framed. `sse` (what `alt=sse` asks for, and what every SDK uses): each chunk is
 * `data: <json>` plus a blank line with CRLF, as Google sends, and the stream simply ends. `array`
 * (no `alt`): one JSON array written progressively, `[{…}` then `\n,\r\n{…}` then `]`.
 */
export type GeminiStreamFraming = 'sse' | 'array';

/** The chunks of a streamed reply: text pieces, then all function calls in one chunk. */
export function geminiStreamChunks(plan: ReplyPlan, requestId: number): GeminiResponse[] {
  const pieces: GeminiPart[][] = plan.chunks
    .filter((chunk) => chunk !== '')
    .map((chunk) => [{ text: chunk }]);
  if (plan.toolCalls.length > 0) {
    // A function call arrives whole, `args` as an object, never split across chunks.
    pieces.push(functionCallParts(plan));
  }
  if (pieces.length === 0) {
    pieces.push([{ text: '' }]);
  }
  const responseId = geminiResponseId(requestId);
  return pieces.map((parts, index) => {
    const last = index === pieces.length - 1;
    // usageMetadata is cumulative: output grows with each chunk and is exact on the last one.
    const outputSoFar = last
      ? plan.usage.outputTokens
      : Math.round((plan.usage.outputTokens * (index + 1)) / pieces.length);
    return {
      candidates: geminiCandidates(plan, parts, last),
      usageMetadata: geminiUsage(plan, outputSoFar),
      modelVersion: plan.model,
      responseId,
    };
  });
}

/** The wire frames of a streamed reply; every chunk carries content. */
export function* geminiStreamFrames(
  plan: ReplyPlan,
  requestId: number,
  framing: GeminiStreamFraming,
): Generator<StreamFrame> {
  const chunks = geminiStreamChunks(plan, requestId);
  for (const [index, chunk] of chunks.entries()) {
    const json = JSON.stringify(chunk);
    switch (framing) {
      case 'sse':
        yield { wire: `data: ${json}\r\n\r\n`, content: true };
        break;
      case 'array':
        yield { wire: index === 0 ? `[${json}` : `\n,\r\n${json}`, content: true };
        break;
      default: {
        const unreachable: never = framing;
        throw new Error(`unknown framing ${String(unreachable)}`);
      }
    }
  }
  if (framing === 'array') {
    yield { wire: '\n]', content: false };
  }
}

/** A chunk whose JSON is cut off, in the given framing (malformed-chunk fault). */
export function geminiMalformedFrame(framing: GeminiStreamFraming): string {
  const cut = '{"candidates": [{"content": {"parts": [{"text": "trunc';
  return framing === 'sse' ? `data: ${cut}\r\n\r\n` : `\n,\r\n${cut}`;
}
