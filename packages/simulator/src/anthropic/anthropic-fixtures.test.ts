import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReplayAction } from '../core/scenario.js';
import { type RunningSimulator, startSimulator } from '../core/server.js';
import { ANTHROPIC_PROTOCOL } from './anthropic-protocol.js';

const FIXTURES = fileURLToPath(new URL('./__fixtures__/', import.meta.url));

let simulator: RunningSimulator;

beforeAll(async () => {
  simulator = await startSimulator({ protocols: [ANTHROPIC_PROTOCOL] });
});
afterAll(async () => {
  await simulator.close();
});

/** The fields of recorded stream events these tests read. */
interface RecordedEvent {
  type: string;
  index?: number;
  delta?: { type?: string; text?: string; partial_json?: string; stop_reason?: string };
  message?: { usage: { input_tokens: number } };
  usage?: { input_tokens?: number; output_tokens: number };
}

/** The stream events recorded in a capture, whichever format it is stored in. */
function recordedEvents(file: string): RecordedEvent[] {
  const text = readFileSync(`${FIXTURES}${file}`, 'utf8');
  const lines = file.endsWith('.chunks.txt')
    ? text.split('\n')
    : text
        .split('\n')
        .filter((line) => line.startsWith('data: '))
        .map((line) => line.slice(6));
  return lines
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as RecordedEvent);
}

/** What a client should end up with, computed from the capture independently of any SDK. */
function expectedFromCapture(file: string): {
  text: string;
  toolInputs: unknown[];
  inputTokens: number;
  outputTokens: number;
  stopReason: string;
} {
  const events = recordedEvents(file);
  const json = new Map<number, string>();
  let text = '';
  for (const event of events) {
    const index = event.index ?? 0;
    if (event.type !== 'content_block_delta') continue;
    if (event.delta?.type === 'text_delta') text += event.delta.text ?? '';
    if (event.delta?.type === 'input_json_delta') {
      json.set(index, (json.get(index) ?? '') + (event.delta.partial_json ?? ''));
    }
  }
  const start = events.find((event) => event.type === 'message_start');
  const delta = events.find((event) => event.type === 'message_delta');
  return {
    text,
    toolInputs: [...json.values()].map((value) => JSON.parse(value)),
    inputTokens: delta?.usage?.input_tokens ?? start?.message?.usage.input_tokens ?? -1,
    outputTokens: delta?.usage?.output_tokens ?? -1,
    stopReason: delta?.delta?.stop_reason ?? 'missing',
  };
}

function clientReplaying(replay: ReplayAction): Anthropic {
  return new Anthropic({
    apiKey: 'sk-ant-test',
    baseURL: simulator.url,
    maxRetries: 0,
    defaultHeaders: {
      'x-sim-directive': JSON.stringify({
        replay: { ...replay, file: `${FIXTURES}${replay.file}` },
      }),
    },
  });
}

const request = {
  model: 'claude-sonnet-4-6',
  max_tokens: 1024,
  messages: [{ role: 'user' as const, content: 'Hi' }],
};

describe('recorded Anthropic captures replayed through the simulator', () => {
  it.each([
    'anthropic-text.chunks.txt',
    'anthropic-json-tool.1.chunks.txt',
    'basic_response.txt',
    'tool_use_response.txt',
  ])('the SDK parses %s to the recorded text, tool inputs and usage', async (file) => {
    const expected = expectedFromCapture(file);
    // Raw events rather than finalMessage(): the two SDK captures stored without a final blank
    // line end, byte for byte, before message_stop is dispatched, as a real cut stream would.
    const stream = await clientReplaying({ file }).messages.create({ ...request, stream: true });
    let text = '';
    const json = new Map<number, string>();
    let inputTokens = 0;
    let outputTokens = 0;
    let stopReason: string | null = null;
    for await (const event of stream) {
      if (event.type === 'message_start') inputTokens = event.message.usage.input_tokens;
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta')
        text += event.delta.text;
      if (event.type === 'content_block_delta' && event.delta.type === 'input_json_delta') {
        json.set(event.index, (json.get(event.index) ?? '') + event.delta.partial_json);
      }
      if (event.type === 'message_delta') {
        inputTokens = event.usage.input_tokens ?? inputTokens;
        outputTokens = event.usage.output_tokens;
        stopReason = event.delta.stop_reason;
      }
    }
    expect(text).toBe(expected.text);
    expect([...json.values()].map((value) => JSON.parse(value))).toEqual(expected.toolInputs);
    expect(inputTokens).toBe(expected.inputTokens);
    expect(outputTokens).toBe(expected.outputTokens);
    expect(stopReason).toBe(expected.stopReason);
  });

  it('builds the final message of a recorded tool-use stream with the SDK helper', async () => {
    const message = await clientReplaying({ file: 'anthropic-json-tool.1.chunks.txt' })
      .messages.stream(request)
      .finalMessage();
    expect(message.content[0]).toMatchObject({
      type: 'tool_use',
      name: 'json',
      input: expectedFromCapture('anthropic-json-tool.1.chunks.txt').toolInputs[0],
    });
  });

  it('serves a recorded non-stream body and a recorded error body', async () => {
    const recorded = JSON.parse(readFileSync(`${FIXTURES}anthropic-text.json`, 'utf8'));
    const message = await clientReplaying({ file: 'anthropic-text.json' }).messages.create(request);
    expect(message.content).toEqual(recorded.content);
    expect(message.usage).toEqual(recorded.usage);
    const error = await clientReplaying({ file: 'anthropic-issue-17366-error.json', status: 400 })
      .messages.create(request)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect((error as InstanceType<typeof Anthropic.BadRequestError>).type).toBe(
      'invalid_request_error',
    );
  });

  it('matches what the simulator itself renders for the same shapes', async () => {
    // The recorded text capture and a simulated reply with the same chunks give the same result.
    const expected = expectedFromCapture('anthropic-text.chunks.txt');
    const chunks = recordedEvents('anthropic-text.chunks.txt')
      .filter((event) => event.delta?.type === 'text_delta')
      .map((event) => event.delta?.text ?? '');
    const simulated = await new Anthropic({
      apiKey: 'sk-ant-test',
      baseURL: simulator.url,
      maxRetries: 0,
      defaultHeaders: {
        'x-sim-directive': JSON.stringify({
          reply: {
            chunks,
            usage: { inputTokens: expected.inputTokens, outputTokens: expected.outputTokens },
          },
        }),
      },
    }).messages
      .stream(request)
      .finalMessage();
    const text = simulated.content
      .flatMap((block) => (block.type === 'text' ? [block.text] : []))
      .join('');
    expect(text).toBe(expected.text);
    expect(simulated.usage.input_tokens).toBe(expected.inputTokens);
    expect(simulated.usage.output_tokens).toBe(expected.outputTokens);
    expect(simulated.stop_reason).toBe(expected.stopReason);
  });
});
