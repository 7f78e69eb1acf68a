import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ApiError, type GenerateContentResponse, GoogleGenAI } from '@google/genai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReplayAction } from '../core/scenario.js';
import { type RunningSimulator, startSimulator } from '../core/server.js';
import { GEMINI_PROTOCOL } from './gemini-protocol.js';

const FIXTURES = fileURLToPath(new URL('./__fixtures__/', import.meta.url));

let simulator: RunningSimulator;

beforeAll(async () => {
  simulator = await startSimulator({ protocols: [GEMINI_PROTOCOL] });
});
afterAll(async () => {
  await simulator.close();
});

interface RecordedChunk {
  candidates?: Array<{
    content?: { parts?: Array<{ text?: string; functionCall?: { name: string; args: unknown } }> };
  }>;
  usageMetadata?: {
    promptTokenCount?: number;
    candidatesTokenCount?: number;
    totalTokenCount?: number;
  };
}

/** The chunks recorded in a capture: one JSON per line, or raw `data:` events. */
function recordedChunks(file: string): RecordedChunk[] {
  return readFileSync(`${FIXTURES}${file}`, 'utf8')
    .split(/\r?\n/)
    .map((line) => line.replace(/^data: /, '').trim())
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as RecordedChunk);
}

function client(replay: ReplayAction): GoogleGenAI {
  return new GoogleGenAI({
    apiKey: 'gemini-test-key',
    httpOptions: {
      baseUrl: simulator.url,
      headers: {
        'x-sim-directive': JSON.stringify({
          replay: { ...replay, file: `${FIXTURES}${replay.file}` },
        }),
      },
    },
  });
}

async function streamed(replay: ReplayAction): Promise<GenerateContentResponse[]> {
  const stream = await client(replay).models.generateContentStream({
    model: 'gemini-3-pro-preview',
    contents: 'Hi',
  });
  const chunks: GenerateContentResponse[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

describe('recorded Gemini captures replayed through the simulator', () => {
  it.each([
    { file: 'google-text.chunks.txt' },
    { file: 'google-tool-call.chunks.txt' },
    { file: 'issue-10781.1.chunks.txt' },
    // Raw SSE with CRLF separators, despite the `.chunks.txt` name.
    { file: 'google-stream-gemini-3.7-flash-2026-09-16.chunks.txt', format: 'sse' as const },
  ])('the SDK parses $file to the recorded text, calls and usage', async (replay) => {
    const recorded = recordedChunks(replay.file);
    const parts = recorded.flatMap((chunk) => chunk.candidates?.[0]?.content?.parts ?? []);
    const chunks = await streamed(replay);
    expect(chunks).toHaveLength(recorded.length);
    expect(chunks.map((chunk) => chunk.text ?? '').join('')).toBe(
      parts.map((part) => part.text ?? '').join(''),
    );
    expect(
      chunks
        .flatMap((chunk) => chunk.functionCalls ?? [])
        .map(({ name, args }) => ({ name, args })),
    ).toEqual(
      parts.flatMap((part) =>
        part.functionCall ? [{ name: part.functionCall.name, args: part.functionCall.args }] : [],
      ),
    );
    expect(chunks.at(-1)?.usageMetadata).toMatchObject(recorded.at(-1)?.usageMetadata ?? {});
    expect(chunks.at(-1)?.candidates?.[0]?.finishReason).toBe('STOP');
  });

  it('passes a blocked prompt through as promptFeedback with no candidates', async () => {
    const chunks = await streamed({ file: 'issue-19758-prompt-block.chunks.txt' });
    expect(chunks[0]?.promptFeedback?.blockReason).toBe('PROHIBITED_CONTENT');
    expect(chunks[0]?.candidates).toBeUndefined();
  });

  it('raises ApiError 429 for the recorded quota error body', async () => {
    const error = await client({ file: 'google-429-retry-info.json', status: 429 })
      .models.generateContent({ model: 'gemini-2.5-flash', contents: 'Hi' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(429);
    expect((error as ApiError).message).toContain('RESOURCE_EXHAUSTED');
  });
});
