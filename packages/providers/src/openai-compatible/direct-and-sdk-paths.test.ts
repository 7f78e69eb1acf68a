import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DIRECTIVE_HEADER, type ScenarioAction } from '@catalyst/simulator';
import type { ChatRequest, LanguageModelProvider, StreamEvent } from '@catalyst/spec';
import { describe, expect, it } from 'vitest';
import { bothPaths, collectEvents, type TransportPath } from '../testing/index.js';
import { useSimulator } from '../testing/use-simulator.js';
import { azureVendor } from './create-azure-openai-provider.js';
import { groqVendor } from './create-groq-provider.js';
import { openAICompatibleVendor } from './create-openai-compatible-provider.js';
import { openAIVendor } from './create-openai-provider.js';
import { xaiVendor } from './create-xai-provider.js';
import { createOpenAICompatibleFamilyProvider } from './openai-compatible-provider.js';
import type { OpenAICompatibleVendor } from './openai-compatible-vendor.js';

// The direct HTTP client against the official SDKs as oracles: recorded real traffic (the
// simulator's replay fixtures, provenance in their README) and the simulator's faults go through
// the same provider twice, once per path, and must give the same events.
const FIXTURES = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../simulator/src/openai/__fixtures__',
);

const KEY = 'sk-test-SECRET1234567890';
// No test reads the developer's real environment.
const environment = {};

const simulator = useSimulator();

interface VendorCase {
  vendor: OpenAICompatibleVendor;
  /** The base URL the vendor's settings take (Groq's root, the others' `/v1`). */
  baseUrl: () => string;
  model: string;
  /** Azure's dated API version; without it Azure speaks its v1 API. */
  apiVersion?: string;
}

const OPENAI: VendorCase = {
  vendor: openAIVendor,
  baseUrl: () => `${simulator.url}/v1`,
  model: 'gpt-4o',
};
const XAI: VendorCase = {
  vendor: xaiVendor,
  baseUrl: () => `${simulator.url}/v1`,
  model: 'grok-4',
};
const GROQ: VendorCase = {
  vendor: groqVendor,
  baseUrl: () => simulator.url,
  model: 'llama-3.3-70b-versatile',
};
// Azure: the endpoint's root; the dated API through `AzureOpenAI` (deployment path, `api-key`),
// the v1 API through the plain client (`/openai/v1`). The model is the deployment name.
const AZURE: VendorCase = {
  vendor: azureVendor,
  baseUrl: () => `${simulator.url}/azure`,
  model: 'my-gpt-4o',
  apiVersion: '2024-10-21',
};
const AZURE_V1: VendorCase = {
  vendor: azureVendor,
  baseUrl: () => `${simulator.url}/azure`,
  model: 'my-gpt-4o',
};
const LOCAL: VendorCase = {
  vendor: openAICompatibleVendor,
  baseUrl: () => `${simulator.url}/v1`,
  model: 'local-llama',
};

/** The provider over the direct client (as shipped) or over the vendor's SDK. */
function providerFor(
  target: VendorCase,
  path: TransportPath,
  headers?: Record<string, string>,
): LanguageModelProvider {
  const vendor =
    path === 'direct'
      ? target.vendor
      : { ...target.vendor, createClient: target.vendor.createSdkClient };
  return createOpenAICompatibleFamilyProvider(vendor, {
    apiKey: KEY,
    baseUrl: target.baseUrl(),
    environment,
    ...(target.apiVersion !== undefined && { apiVersion: target.apiVersion }),
    ...(headers && { headers }),
  });
}

function request(model: string, fields: Partial<ChatRequest> = {}): ChatRequest {
  return {
    model,
    messages: [{ role: 'user', content: 'replay' }],
    signal: AbortSignal.timeout(10_000),
    maxRetries: 0,
    ...fields,
  };
}

/** {@link bothPaths} with the simulator's scenario cleared before each path's run. */
function bothPathsFresh(
  run: (path: TransportPath) => Promise<StreamEvent[]>,
): ReturnType<typeof bothPaths> {
  return bothPaths((path) => {
    simulator.setScenario(undefined);
    return run(path);
  });
}

const REPLAYS: Array<{ file: string; target: VendorCase; vendorName: string }> = [
  ...[
    'openai/e2aad469b71d1d4894ff833ea147020a9d875eb7ce644a0ff355581690a4cbfd.bin',
    'openai/c6aa7e397b7123c3501f25df3a05d4daf7e8ad6d61ffa406ab5361fe36a8d5b1.bin',
    'openai/f82268f2fefd5cfbc7eeb59c297688be2f6ca0849a6e4f17851b517310841d9b.bin',
    'openai/d615580118391ee13492193e3a8bb74642d23ac1ca13fe37cb6e889b66f759f6.bin',
    'openai/openai-text.chunks.txt',
    'openai/azure-model-router.1.chunks.txt',
  ].map((file) => ({ file, target: OPENAI, vendorName: 'openai' })),
  ...['openai/azure-model-router.1.chunks.txt', 'openai/openai-text.chunks.txt'].flatMap((file) => [
    { file, target: AZURE, vendorName: 'azure, dated API' },
    { file, target: AZURE_V1, vendorName: 'azure, v1 API' },
  ]),
  ...[
    'xai/xai-text.chunks.txt',
    'xai/xai-tool-call.chunks.txt',
    'xai/issue-19639-stream.chunks.txt',
  ].map((file) => ({ file, target: XAI, vendorName: 'xai' })),
  ...[
    'groq/groq-text.chunks.txt',
    'groq/groq-tool-call.chunks.txt',
    'groq/groq-json-tool-call.chunks.txt',
    'groq/groq-reasoning.chunks.txt',
  ].map((file) => ({ file, target: GROQ, vendorName: 'groq' })),
];

describe('recorded traffic: the direct client and the official SDK give the same events', () => {
  it.each(REPLAYS)('$file ($vendorName)', async ({ file, target }) => {
    const { direct, sdk, raw } = await bothPathsFresh((path) => {
      simulator.setScenario({ rules: [{ replay: { file } }], baseDirectory: FIXTURES });
      return collectEvents(providerFor(target, path).stream(request(target.model)));
    });
    expect(direct).toEqual(sdk);
    // The replay produced an answer, not an error both paths happened to agree on.
    expect(raw.at(-1)?.type).toBe('done');
  });

  it('a recorded 400 error body becomes the same error', async () => {
    const { direct, sdk, raw } = await bothPathsFresh((path) => {
      simulator.setScenario({
        rules: [
          { replay: { file: 'openai/reasoning-model-legacy-parameter-error.json', status: 400 } },
        ],
        baseDirectory: FIXTURES,
      });
      return collectEvents(providerFor(OPENAI, path).stream(request('o4-mini')));
    });
    expect(direct).toEqual(sdk);
    expect(raw.at(-1)).toMatchObject({ type: 'error', error: { status: 400 } });
  });
});

const FAULTS: Array<{ name: string; action: ScenarioAction; kind: string }> = [
  { name: 'auth', action: { fault: { type: 'http', kind: 'auth' } }, kind: 'auth' },
  {
    name: 'rate limit with retry-after',
    action: { fault: { type: 'http', kind: 'rate_limit', retryAfterMs: 1500 } },
    kind: 'rate_limit',
  },
  {
    name: 'context length',
    action: { fault: { type: 'http', kind: 'context_length' } },
    kind: 'context_length',
  },
  { name: 'server', action: { fault: { type: 'http', kind: 'server' } }, kind: 'server' },
  {
    name: 'overloaded',
    action: { fault: { type: 'http', kind: 'overloaded' } },
    kind: 'overloaded',
  },
  {
    name: 'model not found',
    action: { fault: { type: 'http', kind: 'model_not_found' } },
    kind: 'model_not_found',
  },
  { name: 'reset before the first byte', action: { fault: { type: 'reset' } }, kind: 'network' },
  {
    name: 'malformed chunk',
    action: {
      timing: { firstTokenMs: 0, tokenDelayMs: 10 },
      reply: { chunks: ['one ', 'two ', 'three'] },
      fault: { type: 'malformed', afterChunks: 2 },
    },
    kind: 'server',
  },
  {
    name: 'in-stream error',
    action: {
      timing: { firstTokenMs: 0, tokenDelayMs: 10 },
      reply: { chunks: ['one ', 'two ', 'three'] },
      fault: { type: 'stream-error', afterChunks: 1, kind: 'server', message: 'boom' },
    },
    kind: 'server',
  },
  {
    name: 'connection dropped mid-stream',
    action: {
      timing: { firstTokenMs: 0, tokenDelayMs: 30 },
      reply: { chunks: ['one ', 'two ', 'three ', 'four'] },
      fault: { type: 'disconnect', afterChunks: 2 },
    },
    kind: 'network',
  },
];

describe('simulated faults: both paths give the same error events', () => {
  it.each(
    FAULTS.flatMap((fault) => [
      { ...fault, target: OPENAI, vendorName: 'openai' },
      { ...fault, target: GROQ, vendorName: 'groq' },
      { ...fault, target: AZURE, vendorName: 'azure, dated API' },
    ]),
  )('$name ($vendorName)', async ({ action, kind, target }) => {
    const { direct, sdk, raw } = await bothPathsFresh((path) =>
      collectEvents(
        providerFor(target, path, { [DIRECTIVE_HEADER]: JSON.stringify(action) }).stream(
          request(target.model),
        ),
      ),
    );
    expect(direct).toEqual(sdk);
    expect(raw.at(-1)).toMatchObject({ type: 'error', error: { kind } });
  });
});

describe('requests: both paths send the same thing', () => {
  it('the same body and headers (key, configured and per-request headers, traceparent)', async () => {
    const seen: Array<{ body: unknown; headers: Record<string, string> }> = [];
    for (const path of ['direct', 'sdk'] as const) {
      simulator.reset();
      const provider = providerFor(OPENAI, path, { 'x-configured': 'yes' });
      await collectEvents(
        provider.stream(
          request('gpt-4o', {
            temperature: 0.2,
            maxTokens: 20,
            responseFormat: { type: 'json_object' },
            tools: [{ name: 'get_weather', parameters: { type: 'object', properties: {} } }],
            headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
          }),
        ),
      );
      const received = simulator.requests()[0];
      expect(received).toBeDefined();
      const lower = Object.fromEntries(
        Object.entries(received?.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
      );
      seen.push({ body: received?.body, headers: lower });
    }
    const [direct, sdk] = seen;
    expect(direct?.body).toEqual(sdk?.body);
    for (const name of ['authorization', 'x-configured', 'traceparent', 'content-type']) {
      expect(direct?.headers[name], name).toBe(sdk?.headers[name]);
    }
    // The simulator logs credentials as `[redacted]`: sent, and the same on both paths.
    expect(direct?.headers.authorization).toBeDefined();
  });

  it.each([
    {
      target: AZURE,
      api: 'dated API',
      path: '/azure/openai/deployments/my-gpt-4o/chat/completions',
    },
    { target: AZURE_V1, api: 'v1 API', path: '/azure/openai/v1/chat/completions' },
  ])('Azure ($api): the same URL, key header and body', async ({ target, path }) => {
    const seen: Array<{
      path: string;
      query: unknown;
      provider: unknown;
      body: unknown;
      headers: Record<string, string>;
    }> = [];
    for (const side of ['direct', 'sdk'] as const) {
      simulator.reset();
      await collectEvents(
        providerFor(target, side, { 'x-configured': 'yes' }).stream(
          request(target.model, { temperature: 0.2, maxTokens: 20 }),
        ),
      );
      const received = simulator.requests()[0];
      expect(received, side).toBeDefined();
      const lower = Object.fromEntries(
        Object.entries(received?.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
      );
      seen.push({
        path: received?.path ?? '',
        query: received?.query,
        provider: received?.provider,
        body: received?.body,
        headers: lower,
      });
    }
    const [direct, sdk] = seen;
    expect(direct?.path).toBe(path);
    expect(direct?.path).toBe(sdk?.path);
    expect(direct?.query).toEqual(sdk?.query);
    expect(direct?.query).toEqual(target.apiVersion ? { 'api-version': target.apiVersion } : {});
    // The simulator tells Azure apart by its deployment path, `api-key` or `api-version`.
    expect(direct?.provider).toBe(target.apiVersion ? 'azure' : sdk?.provider);
    expect(direct?.body).toEqual(sdk?.body);
    for (const name of ['authorization', 'api-key', 'x-configured', 'content-type']) {
      expect(direct?.headers[name], name).toBe(sdk?.headers[name]);
    }
    // The dated API carries the key in `api-key`, the v1 API as a bearer token.
    expect(direct?.headers[target.apiVersion ? 'api-key' : 'authorization']).toBeDefined();
  });

  it('a keyless local server gets no Authorization header on either path', async () => {
    for (const path of ['direct', 'sdk'] as const) {
      simulator.reset();
      const provider = createOpenAICompatibleFamilyProvider(
        path === 'direct'
          ? LOCAL.vendor
          : { ...LOCAL.vendor, createClient: LOCAL.vendor.createSdkClient },
        {
          baseUrl: LOCAL.baseUrl(),
          environment,
          headers: { [DIRECTIVE_HEADER]: JSON.stringify({ reply: { text: 'hi' } }) },
        },
      );
      // The simulator answers a keyless call with its 401; what matters is what was sent.
      await collectEvents(provider.stream(request(LOCAL.model)));
      expect(simulator.requests()).toHaveLength(1);
      const names = Object.keys(simulator.requests()[0]?.headers ?? {}).map((name) =>
        name.toLowerCase(),
      );
      expect(names, path).not.toContain('authorization');
    }
  });
});
