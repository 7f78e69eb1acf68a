import { existsSync } from 'node:fs';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalOpenAIServer, type LocalOpenAIServer } from './create-local-openai-server.js';
import { createLocalProvider } from './create-local-provider.js';
import { resolveLocalModelPath } from './local-model-path.js';
import { disposeLocalRuntimes } from './local-runtime.js';

// In CI the setup script always runs first, so a missing model there must fail, not skip.
const runRealModel = existsSync(resolveLocalModelPath()) || Boolean(process.env.CI);
if (!runRealModel) {
  console.warn(
    `Skipping real-model server tests: no model at ${resolveLocalModelPath()}. ` +
      'Run `npm run setup:local-model` (or set CATALYST_LOCAL_MODEL) to run them.',
  );
}

describe('local OpenAI-compatible server without a model file', () => {
  let server: LocalOpenAIServer;
  let client: OpenAI;
  beforeAll(async () => {
    server = await createLocalOpenAIServer({
      provider: createLocalProvider({ modelPath: '/nonexistent/catalyst/model.gguf' }),
      port: 0,
    });
    client = new OpenAI({ baseURL: server.url, apiKey: 'unused', maxRetries: 0 });
  });
  afterAll(() => server.close());

  it('answers a missing model with an OpenAI-shaped 404 saying what to run', async () => {
    const error = await client.chat.completions
      .create({ model: 'local', messages: [{ role: 'user', content: 'Hi' }], stream: true })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as InstanceType<typeof OpenAI.NotFoundError>).message).toContain(
      'npm run setup:local-model',
    );
  });

  it('answers a malformed request with a 400 naming the field', async () => {
    const error = await client.chat.completions
      .create({ model: 'local', messages: [] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('messages');
  });

  it('answers an unknown route with a 404 and a wrong method with a 405', async () => {
    const unknown = await fetch(`${server.url}/nothing`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'not_found' } });
    const wrong = await fetch(`${server.url}/chat/completions`);
    expect(wrong.status).toBe(405);
  });
});

describe.skipIf(!runRealModel)('local OpenAI-compatible server with the real model', () => {
  let server: LocalOpenAIServer;
  let client: OpenAI;
  beforeAll(async () => {
    server = await createLocalOpenAIServer({ provider: createLocalProvider(), port: 0 });
    client = new OpenAI({ baseURL: server.url, apiKey: 'unused', maxRetries: 0 });
  });
  afterAll(async () => {
    await server.close();
    await disposeLocalRuntimes();
  });

  const question = [{ role: 'user' as const, content: 'What is the capital of France?' }];

  it('answers a non-streaming chat completion', async () => {
    const completion = await client.chat.completions.create({
      model: 'local',
      messages: question,
      max_tokens: 16,
      temperature: 0,
      seed: 7,
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0]?.message.content).toContain('Paris');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage?.prompt_tokens).toBeGreaterThan(5);
    expect(completion.usage?.completion_tokens).toBeGreaterThan(0);
  });

  it('streams chunks, a finish reason, usage and [DONE]', async () => {
    const stream = await client.chat.completions.create({
      model: 'local',
      messages: question,
      max_tokens: 16,
      temperature: 0,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let contentChunks = 0;
    let finishReason: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      if (choice?.delta.content) {
        text += choice.delta.content;
        contentChunks += 1;
      }
      if (choice?.finish_reason) finishReason = choice.finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(contentChunks).toBeGreaterThan(1);
    expect(text).toContain('Paris');
    expect(finishReason).toBe('stop');
    expect(usage?.completion_tokens).toBeGreaterThan(0);
    expect(usage?.total_tokens).toBe((usage?.prompt_tokens ?? 0) + (usage?.completion_tokens ?? 0));
  });

  it('frames the stream as SSE data lines ending with [DONE]', async () => {
    const response = await fetch(`${server.url}/chat/completions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ model: 'local', messages: question, max_tokens: 4, stream: true }),
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const body = await response.text();
    const lines = body.split('\n\n').filter(Boolean);
    expect(lines.every((line) => line.startsWith('data: '))).toBe(true);
    expect(lines.at(-1)).toBe('data: [DONE]');
    expect(JSON.parse(lines.at(-2)?.slice(6) ?? '')).toMatchObject({
      choices: [{ finish_reason: 'length' }],
    });
  });

  it('returns embeddings as the SDK asks by default (base64), equal to float ones', async () => {
    const input = ['the cat sat on the mat', 'a dog barked'];
    const base64 = await client.embeddings.create({ model: 'local', input });
    const float = await client.embeddings.create({
      model: 'local',
      input,
      encoding_format: 'float',
    });
    expect(base64.data).toHaveLength(2);
    const first = base64.data[0]?.embedding ?? [];
    expect(first.length).toBeGreaterThan(100);
    expect(base64.data[1]?.embedding).toHaveLength(first.length);
    expect(first).toEqual(float.data[0]?.embedding);
    expect(base64.usage.prompt_tokens).toBeGreaterThan(4);
  });

  it('lists the model', async () => {
    const page = await client.models.list();
    expect(page.data.map((model) => model.id)).toEqual([expect.stringMatching(/SmolLM2/)]);
  });
});
