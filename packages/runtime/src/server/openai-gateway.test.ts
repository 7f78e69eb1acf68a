import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createProviderRegistry } from '@catalyst/providers';
import { parseScenario, type RunningSimulator, startSimulator } from '@catalyst/simulator';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assistantWorkflow } from '../testing/assistant-workflow.js';
import { conformanceEnvironment } from '../testing/conformance-vector.js';
import { type CatalystApp, createCatalystApp } from './create-catalyst-app.js';
import { parseGatewayConfig } from './gateway-config.js';
import { type RunningServer, serveNode } from './serve-node.js';

// The official OpenAI SDK, unchanged, against `catalyst serve`: every answer and every error
// must be what the SDK expects from OpenAI itself.

const assistant = assistantWorkflow({ system: 'Be brief.' });

const API_KEY = 'gateway-key-1';

const GATEWAY_FILE = `
aliases:
  fast: openai/gpt-4.1-mini
routes:
  smart:
    routes:
      - name: long
        condition: "prompt_tokens > 2000"
        target: [{ provider: anthropic, model: claude-sonnet-4-6 }]
    default:
      - { provider: openai, model: gpt-4.1-mini }
      - { provider: anthropic, model: claude-haiku-4-5 }
    maxRetries: 0
`;
let simulator: RunningSimulator;
let app: CatalystApp;
let server: RunningServer;
let client: OpenAI;

beforeAll(async () => {
  simulator = await startSimulator({ port: 0 });
  const environment = conformanceEnvironment(simulator.url);
  app = createCatalystApp({
    workflows: [assistant],
    providers: createProviderRegistry({ environment }),
    environment: {},
    apiKeys: [API_KEY],
    gateway: parseGatewayConfig(GATEWAY_FILE, 'gateway.yaml'),
  });
  server = await serveNode(app, { port: 0, host: '127.0.0.1' });
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: API_KEY, maxRetries: 0 });
});
afterAll(async () => {
  await server.close();
  await app.close();
  await simulator.close();
});

const TOOL = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

describe('OpenAI-compatible gateway', () => {
  it('answers a provider/model completion through the provider layer, with cost in an extension', async () => {
    const { data, response } = await client.chat.completions
      .create({
        model: 'openai/gpt-4.1-mini',
        messages: [{ role: 'user', content: 'Say hi [[sim {"reply":{"text":"Hi there."}}]]' }],
      })
      .withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.model).toBe('openai/gpt-4.1-mini');
    expect(data.choices[0]?.message.content).toBe('Hi there.');
    expect(data.choices[0]?.finish_reason).toBe('stop');
    expect(data.usage?.completion_tokens).toBeGreaterThan(0);
    const extension = (data as unknown as { catalyst: { cost: { totalUsd: number } } }).catalyst;
    expect(extension.cost.totalUsd).toBeGreaterThan(0);
    expect(Number(response.headers.get('x-catalyst-cost-usd'))).toBe(extension.cost.totalUsd);
    expect(simulator.requests().at(-1)?.model).toBe('gpt-4.1-mini');
  });

  it('streams chunks, then usage with stream_options.include_usage', async () => {
    const stream = await client.chat.completions.create({
      model: 'openai/gpt-4.1-mini',
      messages: [
        { role: 'user', content: 'x [[sim {"reply":{"chunks":["One ","two ","three."]}}]]' },
      ],
      stream: true,
      stream_options: { include_usage: true },
    });
    const pieces: string[] = [];
    let usage: OpenAI.CompletionUsage | null | undefined;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      if (choice?.delta.content) pieces.push(choice.delta.content);
      if (choice?.finish_reason) finish = choice.finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(pieces).toEqual(['One ', 'two ', 'three.']);
    expect(finish).toBe('stop');
    expect(usage?.total_tokens).toBe((usage?.prompt_tokens ?? 0) + (usage?.completion_tokens ?? 0));
  });

  it('streams tool-call argument deltas that the SDK assembles into the call', async () => {
    const directive = JSON.stringify({
      reply: { toolCalls: [{ id: 'call_7', name: 'get_weather', arguments: { city: 'Paris' } }] },
    });
    const stream = client.chat.completions.stream({
      model: 'openai/gpt-4.1-mini',
      messages: [{ role: 'user', content: `Weather in Paris? [[sim ${directive}]]` }],
      tools: [TOOL],
    });
    let deltas = 0;
    stream.on('tool_calls.function.arguments.delta', () => {
      deltas += 1;
    });
    const completion = await stream.finalChatCompletion();
    const call = completion.choices[0]?.message.tool_calls?.[0];
    expect(call?.id).toBe('call_7');
    expect(call?.type === 'function' && call.function.name).toBe('get_weather');
    expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toEqual({
      city: 'Paris',
    });
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    expect(deltas).toBeGreaterThan(1);
    expect(simulator.requests().at(-1)?.body).toMatchObject({ tools: [TOOL] });
  });

  it('passes response_format json_schema through and returns the JSON', async () => {
    const directive = JSON.stringify({ reply: { json: { city: 'Paris', temperature: 21 } } });
    const completion = await client.chat.completions.create({
      model: 'openai/gpt-4.1-mini',
      messages: [{ role: 'user', content: `Weather as JSON [[sim ${directive}]]` }],
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'weather',
          schema: {
            type: 'object',
            properties: { city: { type: 'string' }, temperature: { type: 'number' } },
            required: ['city', 'temperature'],
          },
        },
      },
    });
    expect(JSON.parse(completion.choices[0]?.message.content ?? '')).toEqual({
      city: 'Paris',
      temperature: 21,
    });
    expect(simulator.requests().at(-1)?.body).toMatchObject({
      response_format: { type: 'json_schema', json_schema: { name: 'weather' } },
    });
  });

  it('answers workflow/ID by running the workflow with the chat messages as its input', async () => {
    simulator.reset();
    const stream = await client.chat.completions.create({
      model: 'workflow/assistant',
      messages: [
        { role: 'user', content: 'earlier' },
        { role: 'user', content: 'Now [[sim {"reply":{"chunks":["Work","flow."]}}]]' },
      ],
      stream: true,
    });
    const pieces: string[] = [];
    for await (const chunk of stream) pieces.push(chunk.choices[0]?.delta.content ?? '');
    expect(pieces.join('')).toBe('Workflow.');
    // The workflow's own system text and prompt went to the provider, not the caller's messages.
    const sent = simulator.requests()[0]?.body as { messages: Array<{ content: string }> };
    expect(sent.messages[0]?.content).toBe('Be brief.');
    expect(sent.messages).toHaveLength(2);
  });

  it('embeds through the provider layer', async () => {
    const result = await client.embeddings.create({
      model: 'openai/text-embedding-3-small',
      input: ['one', 'two'],
    });
    expect(result.data).toHaveLength(2);
    expect(result.data[0]?.embedding.length).toBeGreaterThan(10);
    expect(result.usage.prompt_tokens).toBeGreaterThan(0);
    const base64 = await client.embeddings.create({
      model: 'openai/text-embedding-3-small',
      input: 'one',
    });
    // The SDK asks for base64 and decodes it: the same vector as the float answer.
    expect(base64.data[0]?.embedding).toEqual(result.data[0]?.embedding);
  });

  it('lists provider models and the chat workflows', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toContain('openai/gpt-4.1-mini');
    expect(ids).toContain('workflow/assistant');
  });

  it('raises the SDK typed exceptions: unknown model, missing key, bad request, provider failures', async () => {
    const ask = (model: string, content = 'hi') =>
      client.chat.completions.create({ model, messages: [{ role: 'user', content }] });
    await expect(ask('nobody/model')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(ask('workflow/missing')).rejects.toMatchObject({
      status: 404,
      code: 'model_not_found',
    });
    const anonymous = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'wrong', maxRetries: 0 });
    await expect(anonymous.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    await expect(
      client.chat.completions.create({
        model: 'openai/gpt-4.1-mini',
        messages: [{ role: 'user', content: 'hi' }],
        n: 2,
      }),
    ).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    const rateLimited =
      '[[sim {"fault":{"type":"http","kind":"rate_limit","retryAfterSeconds":0}}]]';
    await expect(ask('openai/gpt-4.1-mini', rateLimited)).rejects.toBeInstanceOf(
      OpenAI.RateLimitError,
    );
    // A failure after the first chunk arrives in the stream, and the SDK raises it there.
    const stream = await client.chat.completions.create({
      model: 'openai/gpt-4.1-mini',
      messages: [
        {
          role: 'user',
          content:
            'a b c [[sim {"fault":{"type":"stream-error","afterChunks":1,"kind":"server"}}]]',
        },
      ],
      stream: true,
    });
    await expect(
      (async () => {
        for await (const _chunk of stream) {
          // reading until the error
        }
      })(),
    ).rejects.toBeInstanceOf(OpenAI.APIError);
  });

  it('answers gateway names: an alias, and a route through the llmRouter with its fallback in the extension', async () => {
    const aliased = await client.chat.completions.create({
      model: 'fast',
      messages: [{ role: 'user', content: 'x [[sim {"reply":{"text":"via alias"}}]]' }],
    });
    expect(aliased.model).toBe('fast');
    expect(aliased.choices[0]?.message.content).toBe('via alias');
    expect(simulator.requests().at(-1)?.model).toBe('gpt-4.1-mini');

    simulator.reset();
    simulator.setScenario(
      parseScenario({
        rules: [
          { match: { provider: 'openai' }, fault: { type: 'http', kind: 'overloaded' } },
          { match: { provider: 'anthropic' }, reply: { text: 'Claude answers.' } },
        ],
      }),
    );
    try {
      const routed = await client.chat.completions.create({
        model: 'smart',
        messages: [
          { role: 'system', content: 'Be kind.' },
          { role: 'user', content: 'Hello' },
        ],
      });
      expect(routed.choices[0]?.message.content).toBe('Claude answers.');
      const extension = (
        routed as unknown as {
          catalyst: {
            routes: Array<{ strategy: string; targets: unknown[] }>;
            fallbacks: Array<{ from: unknown; to: unknown; error: { kind: string } }>;
          };
        }
      ).catalyst;
      expect(extension.routes[0]?.targets).toHaveLength(2);
      expect(extension.fallbacks).toEqual([
        expect.objectContaining({
          from: { provider: 'openai', model: 'gpt-4.1-mini' },
          to: { provider: 'anthropic', model: 'claude-haiku-4-5' },
          error: expect.objectContaining({ kind: 'overloaded' }),
        }),
      ]);
      // The caller's messages reached the provider as they were, system text included.
      const sent = simulator.requests().at(-1)?.body as { system?: string };
      expect(sent.system).toBe('Be kind.');
    } finally {
      simulator.setScenario(parseScenario({ rules: [] }));
    }
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(expect.arrayContaining(['fast', 'smart']));
  });

  it('refuses a gateway file whose route does not validate, naming the entry', () => {
    expect(() =>
      parseGatewayConfig('routes:\n  broken:\n    default: []\n', 'gateway.yaml'),
    ).toThrow(/^gateway\.yaml: routes\.broken: /);
    expect(() => parseGatewayConfig('aliases:\n  a/b: openai/x\n', 'gateway.yaml')).toThrow(
      /not a model name/,
    );
  });

  it('speaks to curl as well', async () => {
    const { stdout } = await promisify(execFile)('curl', [
      '-sS',
      `${server.url}/v1/chat/completions`,
      '-H',
      `Authorization: Bearer ${API_KEY}`,
      '-H',
      'Content-Type: application/json',
      '-d',
      JSON.stringify({
        model: 'openai/gpt-4.1-mini',
        messages: [{ role: 'user', content: 'x [[sim {"reply":{"text":"curl ok"}}]]' }],
      }),
    ]);
    expect((JSON.parse(stdout) as OpenAI.ChatCompletion).choices[0]?.message.content).toBe(
      'curl ok',
    );
  });
});
