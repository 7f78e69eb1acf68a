import { type RunningSimulator, startSimulator } from '@catalyst/simulator';
import type { ChatRequest } from '@catalyst/spec';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { collectEvents } from '../testing/index.js';
import {
  createAzureOpenAIProvider,
  createGroqProvider,
  createOpenAICompatibleProvider,
  createOpenAIProvider,
  createXaiProvider,
} from './index.js';

// What only some OpenAI-compatible vendors do, against the simulator. Everything every provider
// owes (stream, tools, JSON, usage, faults, abort, a missing key) is in ../provider-contract.test.ts.

// A key shaped like a real one: it must never appear in any error message.
const SECRET = 'sk-test-SECRET1234567890';
// No test reads the developer's real environment.
const environment = {};

let simulator: RunningSimulator;

beforeAll(async () => {
  simulator = await startSimulator({ port: 0 });
});
afterAll(async () => {
  await simulator.close();
});
beforeEach(() => {
  simulator.setScenario(undefined);
  simulator.reset();
});

/** A request whose user message carries an inline simulator directive. */
function ask(
  model: string,
  directive: object | undefined,
  fields: Partial<ChatRequest> = {},
): ChatRequest {
  const marker = directive ? ` [[sim ${JSON.stringify(directive)}]]` : '';
  return {
    model,
    messages: [{ role: 'user', content: `Hello${marker}` }],
    signal: new AbortController().signal,
    ...fields,
  };
}

const WEATHER_PARAMETERS = { type: 'object', properties: { city: { type: 'string' } } };

describe('openai-compatible specifics', () => {
  it('sends no Authorization header when no key is configured', async () => {
    const provider = createOpenAICompatibleProvider({
      baseUrl: `${simulator.url}/v1`,
      environment,
    });
    await collectEvents(provider.stream(ask('local-llama', { reply: { text: 'hi' } })));
    const headers = simulator.requests()[0]?.headers ?? {};
    expect(Object.keys(headers).map((name) => name.toLowerCase())).not.toContain('authorization');
  });

  it('asks for a base URL when none is configured', async () => {
    const provider = createOpenAICompatibleProvider({ environment });
    await expect(provider.generate(ask('m', undefined))).rejects.toThrow(
      /OPENAI_COMPATIBLE_BASE_URL/,
    );
  });
});

describe('vendor specifics', () => {
  it('maps Azure content filtering of the output to finish reason content_filter', async () => {
    const provider = createAzureOpenAIProvider({
      apiKey: SECRET,
      baseUrl: simulator.url,
      apiVersion: '2024-10-21',
      environment,
    });
    const result = await provider.generate(
      ask('gpt-4o', { reply: { text: 'Partial', finish: 'content_filter' } }),
    );
    expect(result.finishReason).toBe('content_filter');
  });

  it('assembles a legacy function_call reply as a tool call', async () => {
    const provider = createOpenAIProvider({
      apiKey: SECRET,
      baseUrl: `${simulator.url}/v1`,
      environment,
    });
    const result = await provider.generate(
      ask(
        'gpt-4o',
        { reply: { toolCalls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }] } },
        {
          providerOptions: {
            functions: [{ name: 'get_weather', parameters: WEATHER_PARAMETERS }],
            function_call: 'auto',
          },
        },
      ),
    );
    expect(result.toolCalls).toMatchObject([{ name: 'get_weather', input: { city: 'Oslo' } }]);
    expect(result.finishReason).toBe('tool_calls');
  });
});

describe('configuration', () => {
  it('reads the key and base URL from the given environment', async () => {
    const provider = createOpenAIProvider({
      environment: { OPENAI_API_KEY: SECRET, OPENAI_BASE_URL: `${simulator.url}/v1` },
    });
    const result = await provider.generate(ask('gpt-4o', { reply: { text: 'env works' } }));
    expect(result.text).toBe('env works');
  });
});

describe('listModels and embed', () => {
  it('merges the API model list with catalog details', async () => {
    const provider = createOpenAIProvider({
      apiKey: SECRET,
      baseUrl: `${simulator.url}/v1`,
      environment,
    });
    const models = await provider.listModels({ signal: new AbortController().signal });
    const known = models.find((model) => model.id === 'gpt-4.1-mini');
    expect(known?.pricing?.inputPerMillion).toBeGreaterThan(0);
    expect(known?.contextWindow).toBeGreaterThan(0);
    expect(models.find((model) => model.id === 'o4-mini')).toMatchObject({ contextWindow: 0 });
  });

  it('lists catalog models for Azure', async () => {
    const provider = createAzureOpenAIProvider({
      apiKey: SECRET,
      baseUrl: simulator.url,
      environment,
    });
    const models = await provider.listModels({ signal: new AbortController().signal });
    expect(models.length).toBeGreaterThan(0);
    expect(models.every((model) => model.provider === 'azure')).toBe(true);
  });

  it.each([
    [
      'openai',
      () => createOpenAIProvider({ apiKey: SECRET, baseUrl: `${simulator.url}/v1`, environment }),
    ],
    [
      'azure',
      () =>
        createAzureOpenAIProvider({
          apiKey: SECRET,
          baseUrl: simulator.url,
          apiVersion: '2024-10-21',
          environment,
        }),
    ],
  ])('%s embeds in input order with dimensions, usage and cost', async (_name, create) => {
    const provider = create();
    const input = ['alpha', 'beta gamma', 'delta'];
    const result = await provider.embed?.({
      model: 'text-embedding-3-small',
      input,
      dimensions: 8,
      signal: new AbortController().signal,
    });
    expect(result?.embeddings).toHaveLength(3);
    expect(result?.embeddings.every((vector) => vector.length === 8)).toBe(true);
    expect(result?.embeddings[0]?.some((value) => value !== 0)).toBe(true);
    expect(result?.usage.inputTokens).toBeGreaterThan(0);
    expect(result?.cost?.totalUsd).toBeGreaterThan(0);
    expect(simulator.requests().at(-1)?.body).toMatchObject({ dimensions: 8, input });
  });

  it('has no embed for Groq and xAI', () => {
    expect(createGroqProvider({ apiKey: SECRET, environment }).embed).toBeUndefined();
    expect(createXaiProvider({ apiKey: SECRET, environment }).embed).toBeUndefined();
  });
});
