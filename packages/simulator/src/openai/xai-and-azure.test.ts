import OpenAI, { AzureOpenAI } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../core/server.js';

let simulator: RunningSimulator;

beforeAll(async () => {
  simulator = await startSimulator({ port: 0 });
});
afterAll(async () => simulator.close());

const tool = {
  type: 'function' as const,
  function: {
    name: 'weather',
    parameters: {
      type: 'object',
      properties: { location: { type: 'string' } },
      required: ['location'],
    },
  },
};

describe('xAI through the openai SDK', () => {
  const xai = () =>
    new OpenAI({ apiKey: 'xai-test', baseURL: `${simulator.url}/xai/v1`, maxRetries: 0 });

  it('streams text and a usage chunk with empty choices, and a whole tool call', async () => {
    const stream = await xai().chat.completions.create({
      model: 'grok-4',
      messages: [{ role: 'user', content: 'Hello Grok' }],
      stream: true,
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toContain(
      'Hello Grok',
    );
    expect(chunks.at(-1)?.choices).toEqual([]);
    expect(chunks.at(-1)?.usage?.completion_tokens).toBeGreaterThan(0);

    const toolStream = await xai().chat.completions.create({
      model: 'grok-4',
      messages: [{ role: 'user', content: 'Weather?' }],
      tools: [tool],
      stream: true,
    });
    const argumentDeltas: string[] = [];
    for await (const chunk of toolStream) {
      const argumentsText = chunk.choices[0]?.delta.tool_calls?.[0]?.function?.arguments;
      if (argumentsText) argumentDeltas.push(argumentsText);
    }
    expect(argumentDeltas).toEqual(['{"location":"example location"}']);
  });

  it('routes grok-* models on the plain /v1 path to xAI', async () => {
    const client = new OpenAI({
      apiKey: 'xai-test',
      baseURL: `${simulator.url}/v1`,
      maxRetries: 0,
    });
    await client.chat.completions.create({
      model: 'grok-3-mini',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(simulator.requests().at(-1)?.provider).toBe('xai');
  });

  it('answers an auth fault with the gRPC-style HTTP 400 body', async () => {
    const error = (await xai()
      .chat.completions.create(
        { model: 'grok-4', messages: [{ role: 'user', content: 'Hi' }] },
        { headers: { 'x-sim-directive': '{"fault":{"type":"http","kind":"auth"}}' } },
      )
      .catch((caught: unknown) => caught)) as InstanceType<typeof OpenAI.BadRequestError>;
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    // The SDK exposes body.error, which in this shape is the message string.
    expect(error.error).toBe(
      'Incorrect API key provided. You can obtain an API key from https://console.x.ai.',
    );
    const raw = await fetch(`${simulator.url}/xai/v1/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: 'Bearer x',
        'x-sim-directive': '{"fault":{"type":"http","kind":"auth"}}',
      },
      body: JSON.stringify({ model: 'grok-4', messages: [] }),
    });
    expect(raw.status).toBe(400);
    expect(await raw.json()).toMatchObject({ code: 'invalid-argument' });
  });
});

describe('Azure OpenAI', () => {
  it('serves the deployment path with api-key auth and filter results (AzureOpenAI client)', async () => {
    const azure = new AzureOpenAI({
      apiKey: 'azure-key',
      endpoint: simulator.url,
      apiVersion: '2024-10-21',
      maxRetries: 0,
    });
    const stream = await azure.chat.completions.create({
      model: 'my-gpt4o-deployment',
      messages: [{ role: 'user', content: 'Hello Azure' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const entry = simulator.requests().at(-1);
    expect(entry?.path).toBe('/openai/deployments/my-gpt4o-deployment/chat/completions');
    expect(entry?.query['api-version']).toBe('2024-10-21');
    expect(entry?.headers['api-key']).toBe('[redacted]');
    expect(entry?.provider).toBe('azure');
    const first = chunks[0] as unknown as Record<string, unknown>;
    expect(first.choices).toEqual([]);
    expect(first.prompt_filter_results).toBeDefined();
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toContain(
      'Hello Azure',
    );
    expect(chunks.at(-1)?.usage?.total_tokens).toBeGreaterThan(0);

    const embedding = await azure.embeddings.create({ model: 'my-embedding', input: 'vector me' });
    expect(embedding.data[0]?.embedding).toHaveLength(1536);
  });

  it('serves the v1 path through the plain OpenAI client', async () => {
    const client = new OpenAI({
      apiKey: 'azure-key',
      baseURL: `${simulator.url}/azure/openai/v1`,
      maxRetries: 0,
    });
    const completion = await client.chat.completions.create({
      model: 'my-deployment',
      messages: [{ role: 'user', content: 'v1 path' }],
    });
    expect(completion.choices[0]?.message.content).toContain('v1 path');
    expect(simulator.requests().at(-1)?.provider).toBe('azure');
  });

  it('recognises Azure on the shared /openai/v1 path by its api-key header', async () => {
    const client = new OpenAI({
      apiKey: 'unused',
      baseURL: `${simulator.url}/openai/v1`,
      defaultHeaders: { 'api-key': 'azure-key' },
      maxRetries: 0,
    });
    await client.chat.completions.create({
      model: 'my-deployment',
      messages: [{ role: 'user', content: 'v1' }],
    });
    expect(simulator.requests().at(-1)?.provider).toBe('azure');
  });

  it('renders Azure error shapes', async () => {
    const azure = new AzureOpenAI({
      apiKey: 'k',
      endpoint: simulator.url,
      apiVersion: '2024-10-21',
      maxRetries: 0,
    });
    const ask = (kind: string) =>
      azure.chat.completions
        .create(
          { model: 'dep', messages: [{ role: 'user', content: 'Hi' }] },
          {
            headers: {
              'x-sim-directive': JSON.stringify({
                fault: { type: 'http', kind, retryAfterMs: 10 },
              }),
            },
          },
        )
        .then(
          () => {
            throw new Error('expected an error');
          },
          (caught: unknown) => caught as InstanceType<typeof OpenAI.APIError>,
        );
    const auth = await ask('auth');
    expect(auth).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(auth.error).toMatchObject({ code: '401' });
    const missing = await ask('model_not_found');
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect(missing.error).toMatchObject({ code: 'DeploymentNotFound' });
    const limited = await ask('rate_limit');
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect(limited.headers?.get('retry-after-ms')).toBe('10');
  });
});
