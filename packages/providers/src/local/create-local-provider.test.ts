import { existsSync } from 'node:fs';
import type { ChatRequest, StreamEvent } from '@catalyst/spec';
import { ProviderError } from '@catalyst/spec';
import { afterAll, describe, expect, it } from 'vitest';
import { collectEvents, terminalEvent } from '../testing/index.js';
import { createLocalProvider } from './create-local-provider.js';
import { resolveLocalModelPath } from './local-model-path.js';
import { disposeLocalRuntimes } from './local-runtime.js';

// In CI the setup script always runs first, so a missing model there must fail, not skip.
const modelPresent = existsSync(resolveLocalModelPath());
const runRealModel = modelPresent || Boolean(process.env.CI);
if (!runRealModel) {
  console.warn(
    `Skipping real-model tests: no model at ${resolveLocalModelPath()}. ` +
      'Run `npm run setup:local-model` (or set CATALYST_LOCAL_MODEL) to run them.',
  );
}

function request(overrides: Partial<ChatRequest> = {}): ChatRequest {
  return {
    model: 'local',
    messages: [{ role: 'user', content: 'What is the capital of France?' }],
    signal: new AbortController().signal,
    temperature: 0,
    seed: 42,
    maxTokens: 16,
    ...overrides,
  };
}

describe('local provider without a model file', () => {
  const provider = createLocalProvider({ modelPath: '/nonexistent/catalyst/model.gguf' });

  it('ends the stream with an error that says how to install the model', async () => {
    const events = await collectEvents(provider.stream(request()));
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event?.type).toBe('error');
    if (event?.type !== 'error') return;
    expect(event.error.kind).toBe('model_not_found');
    expect(event.error.provider).toBe('local');
    expect(event.error.message).toContain('npm run setup:local-model');
    expect(event.error.message).toContain('CATALYST_LOCAL_MODEL');
  });

  it('throws the same error from generate and embed', async () => {
    await expect(provider.generate(request())).rejects.toMatchObject({ kind: 'model_not_found' });
    await expect(
      provider.embed({ model: 'local', input: ['x'], signal: new AbortController().signal }),
    ).rejects.toBeInstanceOf(ProviderError);
  });

  it('refuses images and tools combined with JSON mode before loading anything', async () => {
    const image = await collectEvents(
      provider.stream(
        request({
          messages: [{ role: 'user', content: [{ type: 'image', url: 'https://x/y.png' }] }],
        }),
      ),
    );
    expect(image[0]).toMatchObject({ type: 'error', error: { kind: 'invalid_request' } });
    const mixed = await collectEvents(
      provider.stream(
        request({
          tools: [{ name: 'f', parameters: { type: 'object' } }],
          responseFormat: { type: 'json_object' },
        }),
      ),
    );
    expect(mixed[0]).toMatchObject({ type: 'error', error: { kind: 'invalid_request' } });
  });

  it('refuses tools for the bundled model, saying how to get tool calling', async () => {
    const bundled = createLocalProvider({
      modelPath: '/nonexistent/SmolLM2-135M-Instruct.Q4_1.gguf',
    });
    const events = await collectEvents(
      bundled.stream(request({ tools: [{ name: 'weather', parameters: { type: 'object' } }] })),
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'error', error: { kind: 'invalid_request' } });
    if (events[0]?.type === 'error') {
      expect(events[0].error.message).toContain('does not support tool calling');
      expect(events[0].error.message).toContain('CATALYST_LOCAL_MODEL');
    }
  });

  it('ends with aborted when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const events = await collectEvents(provider.stream(request({ signal: controller.signal })));
    expect(events).toEqual([
      expect.objectContaining({
        type: 'error',
        error: expect.objectContaining({ kind: 'aborted' }),
      }),
    ]);
  });
});

describe.skipIf(!runRealModel)('local provider with the real model', () => {
  const provider = createLocalProvider();
  afterAll(() => disposeLocalRuntimes());

  it('streams tokens, then exactly one done with real usage', async () => {
    const events = await collectEvents(provider.stream(request()));
    const tokens = events.filter((event) => event.type === 'token');
    expect(tokens.length).toBeGreaterThan(1);
    const done = terminalEvent(events);
    expect(done?.type).toBe('done');
    if (done?.type !== 'done') return;
    expect(done.provider).toBe('local');
    expect(done.model).toMatch(/SmolLM2/);
    expect(done.text).toBe(
      tokens.map((token) => (token.type === 'token' ? token.text : '')).join(''),
    );
    expect(done.text).toContain('Paris');
    expect(done.usage.inputTokens).toBeGreaterThan(5);
    expect(done.usage.outputTokens).toBeGreaterThanOrEqual(tokens.length);
    expect(done.usage.totalTokens).toBe(done.usage.inputTokens + done.usage.outputTokens);
    expect(done.cost?.totalUsd).toBe(0);
  });

  it('generate returns the assembled result, the same as the stream with a fixed seed', async () => {
    const result = await provider.generate(request());
    expect(result.finishReason).toBe('stop');
    expect(result.text).toContain('Paris');
    expect(result.toolCalls).toEqual([]);
  });

  it('maxTokens stops the reply with finish reason length', async () => {
    const result = await provider.generate(
      request({
        messages: [{ role: 'user', content: 'Write a long story about a dragon.' }],
        maxTokens: 5,
      }),
    );
    expect(result.finishReason).toBe('length');
    expect(result.usage.outputTokens).toBe(5);
  });

  it('stops at a stop sequence and leaves it out of the text', async () => {
    const unstopped = await provider.generate(request());
    expect(unstopped.text).toContain(' is ');
    const result = await provider.generate(request({ stop: [' is '] }));
    expect(result.finishReason).toBe('stop');
    expect(result.text).toBe(unstopped.text.slice(0, unstopped.text.indexOf(' is ')));
  });

  it('aborting mid-stream stops at once with an aborted error', async () => {
    const controller = new AbortController();
    const events: StreamEvent[] = [];
    let abortedAt = 0;
    for await (const event of provider.stream(
      request({
        messages: [{ role: 'user', content: 'Write a long story about a dragon.' }],
        maxTokens: 200,
        signal: controller.signal,
      }),
    )) {
      events.push(event);
      if (event.type === 'token' && abortedAt === 0) {
        abortedAt = performance.now();
        controller.abort();
      }
    }
    const elapsed = performance.now() - abortedAt;
    expect(elapsed).toBeLessThan(1000);
    const last = terminalEvent(events);
    expect(last).toMatchObject({ type: 'error', error: { kind: 'aborted', retryable: false } });
    if (last?.type === 'error') {
      expect(last.partialText.length).toBeGreaterThan(0);
      expect(last.usage.outputTokens).toBeLessThan(10);
    }
  });

  it('JSON schema mode yields parseable JSON that matches the schema', async () => {
    const result = await provider.generate(
      request({
        messages: [{ role: 'user', content: 'Describe a cat as JSON with its name and age.' }],
        maxTokens: 48,
        responseFormat: {
          type: 'json_schema',
          name: 'cat',
          schema: {
            type: 'object',
            properties: { name: { type: 'string' }, age: { type: 'integer' } },
            required: ['name', 'age'],
          },
        },
      }),
    );
    const parsed = JSON.parse(result.text) as { name: unknown; age: unknown };
    expect(result.json).toEqual(parsed);
    expect(typeof parsed.name).toBe('string');
    expect(Number.isInteger(parsed.age)).toBe(true);
  });

  it('json_object mode yields a JSON object', async () => {
    const result = await provider.generate(
      request({
        messages: [{ role: 'user', content: 'Give me a JSON object with a greeting.' }],
        maxTokens: 32,
        responseFormat: { type: 'json_object' },
      }),
    );
    if (result.finishReason === 'stop') expect(result.json).toBeTypeOf('object');
    else expect(result.text.trimStart().startsWith('{')).toBe(true);
  });

  it('embeddings have one dimension count, keep input order, and repeat exactly', async () => {
    const signal = new AbortController().signal;
    const result = await provider.embed({
      model: 'local',
      input: ['the cat sat on the mat', 'quantum chromodynamics', 'the cat sat on the mat'],
      signal,
    });
    const [first, second, third] = result.embeddings;
    expect(result.embeddings).toHaveLength(3);
    expect(first?.length).toBeGreaterThan(100);
    expect(second).toHaveLength(first?.length ?? -1);
    expect(third).toEqual(first);
    expect(second).not.toEqual(first);
    expect(result.usage.inputTokens).toBeGreaterThan(6);
    const [models] = await Promise.all([provider.listModels({ signal })]);
    expect(models[0]?.dimensions).toBe(first?.length);
  });

  it('serves concurrent requests, each to completion', async () => {
    const prompts = [
      'What is the capital of France?',
      'What is the capital of Italy?',
      'Name a color.',
    ];
    const results = await Promise.all(
      prompts.map((content) =>
        provider.generate(request({ messages: [{ role: 'user', content }] })),
      ),
    );
    for (const result of results) {
      expect(result.text.length).toBeGreaterThan(0);
      expect(result.usage.outputTokens).toBeGreaterThan(0);
    }
    expect(results[0]?.text).toContain('Paris');
  });

  it('lists the loaded model', async () => {
    const [model] = await provider.listModels({ signal: new AbortController().signal });
    expect(model).toMatchObject({
      provider: 'local',
      capabilities: { streaming: true, embeddings: true },
    });
    expect(model?.contextWindow).toBeGreaterThanOrEqual(2048);
  });
});
