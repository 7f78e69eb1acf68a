import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Groq from 'groq-sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../core/server.js';

// Recorded captures kept beside this test (provenance and licences in __fixtures__/README.md). A
// missing file fails the test that reads it: nothing here is skipped.
const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '__fixtures__');

interface Accumulated {
  text: string;
  toolCalls: Array<{ name: string; arguments: string }>;
  completionTokens: number | undefined;
}

type ChunkLike = {
  choices?: Array<{
    delta?: {
      content?: string | null;
      tool_calls?: Array<{ index: number; function?: { name?: string; arguments?: string } }>;
    };
  }>;
  usage?: { completion_tokens?: number } | null;
  x_groq?: { usage?: { completion_tokens?: number } };
};

/** Folds chunk payloads the way every OpenAI-style client does: text, tool calls by index, usage. */
function accumulate(chunks: ChunkLike[]): Accumulated {
  const result: Accumulated = { text: '', toolCalls: [], completionTokens: undefined };
  for (const chunk of chunks) {
    const delta = chunk.choices?.[0]?.delta;
    result.text += delta?.content ?? '';
    for (const call of delta?.tool_calls ?? []) {
      const slot = result.toolCalls[call.index] ?? { name: '', arguments: '' };
      result.toolCalls[call.index] = slot;
      slot.name += call.function?.name ?? '';
      slot.arguments += call.function?.arguments ?? '';
    }
    const usage = chunk.usage ?? chunk.x_groq?.usage;
    if (usage?.completion_tokens !== undefined) result.completionTokens = usage.completion_tokens;
  }
  return result;
}

/** Reads a fixture's payloads independently of the simulator: chunk lines or raw `data:` lines. */
function fixturePayloads(file: string): ChunkLike[] {
  const text = readFileSync(resolve(FIXTURES, file), 'utf8');
  const lines = file.endsWith('.chunks.txt')
    ? text.split('\n')
    : text
        .split('\n')
        .filter((line) => line.startsWith('data: '))
        .map((line) => line.slice(6));
  return lines
    .filter((line) => line.trim().length > 0 && line.trim() !== '[DONE]')
    .map((line) => JSON.parse(line) as ChunkLike);
}

let simulator: RunningSimulator;

beforeAll(async () => {
  simulator = await startSimulator({ port: 0 });
});
afterAll(async () => simulator.close());

function replayScenario(file: string): void {
  simulator.setScenario({ rules: [{ replay: { file } }], baseDirectory: FIXTURES });
}

const OPENAI_FIXTURES = [
  'openai/e2aad469b71d1d4894ff833ea147020a9d875eb7ce644a0ff355581690a4cbfd.bin',
  'openai/c6aa7e397b7123c3501f25df3a05d4daf7e8ad6d61ffa406ab5361fe36a8d5b1.bin',
  'openai/f82268f2fefd5cfbc7eeb59c297688be2f6ca0849a6e4f17851b517310841d9b.bin',
  'openai/d615580118391ee13492193e3a8bb74642d23ac1ca13fe37cb6e889b66f759f6.bin',
  'openai/openai-text.chunks.txt',
  'openai/azure-model-router.1.chunks.txt',
  'xai/xai-text.chunks.txt',
  'xai/xai-tool-call.chunks.txt',
  'xai/issue-19639-stream.chunks.txt',
];
const GROQ_FIXTURES = [
  'groq/groq-text.chunks.txt',
  'groq/groq-tool-call.chunks.txt',
  'groq/groq-json-tool-call.chunks.txt',
  'groq/groq-reasoning.chunks.txt',
];

describe('recorded fixtures replay through the simulator', () => {
  it.each(OPENAI_FIXTURES)('the openai SDK parses %s as recorded', async (file) => {
    replayScenario(file);
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${simulator.url}/v1`, maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'replay' }],
      stream: true,
    });
    const received: ChunkLike[] = [];
    for await (const chunk of stream) received.push(chunk as ChunkLike);
    const expected = accumulate(fixturePayloads(file));
    expect(accumulate(received)).toEqual(expected);
    expect(expected.text.length + expected.toolCalls.length).toBeGreaterThan(0);
  });

  it.each(GROQ_FIXTURES)('groq-sdk parses %s as recorded', async (file) => {
    replayScenario(file);
    const groq = new Groq({ apiKey: 'gsk-test', baseURL: simulator.url, maxRetries: 0 });
    const stream = await groq.chat.completions.create({
      model: 'llama-3.3-70b-versatile',
      messages: [{ role: 'user', content: 'replay' }],
      stream: true,
    });
    const received: ChunkLike[] = [];
    for await (const chunk of stream) received.push(chunk as ChunkLike);
    const expected = accumulate(fixturePayloads(file));
    expect(accumulate(received)).toEqual(expected);
    expect(expected.completionTokens).toBeGreaterThan(0);
  });

  it('serves raw SSE captures byte for byte', async () => {
    const file = 'openai/f82268f2fefd5cfbc7eeb59c297688be2f6ca0849a6e4f17851b517310841d9b.bin';
    replayScenario(file);
    const response = await fetch(`${simulator.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer x', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o', stream: true, messages: [] }),
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.equals(readFileSync(resolve(FIXTURES, file)))).toBe(true);
  });

  it('serves a recorded error body with its status', async () => {
    simulator.setScenario({
      rules: [
        { replay: { file: 'openai/reasoning-model-legacy-parameter-error.json', status: 400 } },
      ],
      baseDirectory: FIXTURES,
    });
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${simulator.url}/v1`, maxRetries: 0 });
    const error = (await client.chat.completions
      .create({ model: 'o4-mini', messages: [{ role: 'user', content: 'x' }], max_tokens: 5 })
      .catch((caught: unknown) => caught)) as InstanceType<typeof OpenAI.BadRequestError>;
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.code).toBe('unsupported_parameter');
  });
});
