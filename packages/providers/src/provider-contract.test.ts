import { type RunningSimulator, startSimulator } from '@catalyst/simulator';
import type { ResponseFormat } from '@catalyst/spec';
import { afterAll, beforeAll, expect } from 'vitest';
import { createAnthropicProvider } from './anthropic/index.js';
import { createGeminiProvider } from './gemini/index.js';
import {
  createAzureOpenAIProvider,
  createGroqProvider,
  createOpenAICompatibleProvider,
  createOpenAIProvider,
  createXaiProvider,
} from './openai-compatible/index.js';
import {
  describeProviderContract,
  type ProviderContractTarget,
} from './testing/describe-provider-contract.js';

// Every chat provider through the same contract, each against the simulator's copy of its wire
// protocol and the real SDK or HTTP client it uses. The embedded local model is not here: it needs
// the model file and is tested with it in local/; Voyage has no chat.

// Keys shaped like real ones: none may appear in any event or message.
const KEYS = {
  anthropic: 'sk-ant-SECRET1234567890',
  gemini: 'AIzaSECRET1234567890',
  openai: 'sk-test-SECRET1234567890',
};
// No test reads the developer's real environment.
const environment = {};

/** OpenAI's chat body: what every OpenAI-compatible vendor receives. */
const openAIFamily = {
  statuses: { auth: 401, overloaded: 503 },
  inStreamOverloadedKind: 'server' as const,
  requestIds: true,
  expectJsonRequest(body: unknown, format: ResponseFormat) {
    expect(body).toMatchObject({
      response_format:
        format.type === 'json_schema'
          ? {
              type: 'json_schema',
              json_schema: { name: format.name, schema: format.schema, strict: format.strict },
            }
          : { type: format.type },
    });
  },
  expectMappedRequest(body: unknown) {
    expect(body).toMatchObject({
      stream: true,
      temperature: 0.3,
      stop: ['\n\n'],
      seed: 42,
      messages: [{ role: 'system', content: 'Answer briefly.' }, { role: 'user' }],
    });
    const fields = body as { max_completion_tokens?: number; max_tokens?: number };
    expect(fields.max_completion_tokens ?? fields.max_tokens).toBe(50);
  },
};

const TARGETS: Record<string, ProviderContractTarget> = {
  anthropic: {
    create: ({ simulatorUrl, headers }) =>
      createAnthropicProvider({
        apiKey: KEYS.anthropic,
        baseUrl: simulatorUrl,
        environment,
        ...(headers && { headers }),
      }),
    apiKey: KEYS.anthropic,
    model: 'claude-haiku-4-5',
    statuses: { auth: 401, overloaded: 529 },
    inStreamOverloadedKind: 'overloaded',
    modelNotFoundHint: /Available models: .*claude-sonnet-4-6/,
    toolArguments: 'split',
    cacheTokens: { read: true, write: true },
    priced: true,
    requestIds: true,
    // JSON mode is emulated with a forced `json` tool whose input is the answer.
    expectJsonRequest(body) {
      expect(body).toMatchObject({ tool_choice: { type: 'tool', name: 'json' } });
    },
    expectMappedRequest(body) {
      expect(body).toMatchObject({
        stream: true,
        max_tokens: 50,
        stop_sequences: ['\n\n'],
        system: 'Answer briefly.',
      });
      // No Anthropic equivalent; API version 2026-10-21 rejects sampling parameters.
      expect(body).not.toHaveProperty('seed');
      expect(body).not.toHaveProperty('temperature');
    },
    missingKey: {
      create: () => createAnthropicProvider({ environment }),
      variable: /ANTHROPIC_API_KEY/,
    },
    listedModel: { id: 'claude-haiku-4-5', inputPerMillion: 1 },
  },
  gemini: {
    create: ({ simulatorUrl, headers }) =>
      createGeminiProvider({
        apiKey: KEYS.gemini,
        baseUrl: simulatorUrl,
        environment,
        ...(headers && { headers }),
      }),
    apiKey: KEYS.gemini,
    model: 'gemini-2.5-flash',
    // Gemini answers a bad key with 400 API_KEY_INVALID.
    statuses: { auth: 400, overloaded: 503 },
    inStreamOverloadedKind: 'overloaded',
    modelNotFoundHint: /Available models: .*gemini-2\.5-pro/,
    toolArguments: 'whole',
    cacheTokens: { read: true, write: false },
    priced: true,
    requestIds: false,
    expectJsonRequest(body, format) {
      expect(body).toMatchObject({ generationConfig: { responseMimeType: 'application/json' } });
      if (format.type === 'json_schema') {
        expect(body).toMatchObject({ generationConfig: { responseJsonSchema: format.schema } });
      }
    },
    expectMappedRequest(body) {
      expect(body).toMatchObject({
        systemInstruction: { parts: [{ text: 'Answer briefly.' }] },
        generationConfig: {
          temperature: 0.3,
          maxOutputTokens: 50,
          stopSequences: ['\n\n'],
          seed: 42,
        },
      });
    },
    missingKey: { create: () => createGeminiProvider({ environment }), variable: /GEMINI_API_KEY/ },
    listedModel: { id: 'gemini-2.5-flash', inputPerMillion: 0.3 },
  },
  openai: {
    ...openAIFamily,
    create: ({ simulatorUrl, headers }) =>
      createOpenAIProvider({
        apiKey: KEYS.openai,
        baseUrl: `${simulatorUrl}/v1`,
        environment,
        ...(headers && { headers }),
      }),
    apiKey: KEYS.openai,
    model: 'gpt-4.1-mini',
    modelNotFoundHint: /Available models: .*gpt-4\.1/,
    toolArguments: 'split',
    cacheTokens: { read: true, write: false },
    priced: true,
    missingKey: { create: () => createOpenAIProvider({ environment }), variable: /OPENAI_API_KEY/ },
    listedModel: { id: 'gpt-4.1-mini', inputPerMillion: 0.4 },
  },
  'azure (dated api-version)': {
    ...openAIFamily,
    create: ({ simulatorUrl, headers }) =>
      createAzureOpenAIProvider({
        apiKey: KEYS.openai,
        baseUrl: simulatorUrl,
        apiVersion: '2024-10-21',
        environment,
        ...(headers && { headers }),
      }),
    apiKey: KEYS.openai,
    model: 'gpt-4o',
    modelNotFoundHint: /name of a deployment/,
    toolArguments: 'split',
    cacheTokens: { read: true, write: false },
    priced: true,
    missingKey: {
      create: () => createAzureOpenAIProvider({ environment, baseUrl: 'http://127.0.0.1:9' }),
      variable: /AZURE_OPENAI_API_KEY/,
    },
    listedModel: { id: 'gpt-4o', inputPerMillion: 2.5 },
  },
  'azure (v1 path)': {
    ...openAIFamily,
    // `/azure` tells the simulator's shared `/openai/v1` path apart from Groq's.
    create: ({ simulatorUrl, headers }) =>
      createAzureOpenAIProvider({
        apiKey: KEYS.openai,
        baseUrl: `${simulatorUrl}/azure`,
        environment,
        ...(headers && { headers }),
      }),
    apiKey: KEYS.openai,
    model: 'gpt-4o',
    modelNotFoundHint: /name of a deployment/,
    toolArguments: 'split',
    cacheTokens: { read: true, write: false },
    priced: true,
  },
  groq: {
    ...openAIFamily,
    create: ({ simulatorUrl, headers }) =>
      createGroqProvider({
        apiKey: KEYS.openai,
        baseUrl: simulatorUrl,
        environment,
        ...(headers && { headers }),
      }),
    apiKey: KEYS.openai,
    model: 'llama-3.3-70b-versatile',
    modelNotFoundHint: /Available models: .*llama-3\.1-8b-instant/,
    toolArguments: 'whole',
    // Groq's prompt caching reports cached tokens the OpenAI way (prompt_tokens_details).
    cacheTokens: { read: true, write: false },
    priced: true,
    missingKey: { create: () => createGroqProvider({ environment }), variable: /GROQ_API_KEY/ },
  },
  xai: {
    ...openAIFamily,
    create: ({ simulatorUrl, headers }) =>
      createXaiProvider({
        apiKey: KEYS.openai,
        baseUrl: `${simulatorUrl}/v1`,
        environment,
        ...(headers && { headers }),
      }),
    apiKey: KEYS.openai,
    model: 'grok-4',
    // xAI answers a bad key with 400, as the real API does.
    statuses: { auth: 400, overloaded: 503 },
    modelNotFoundHint: /Available models: .*grok-4-fast-non-reasoning/,
    toolArguments: 'whole',
    cacheTokens: { read: true, write: false },
    priced: true,
    missingKey: { create: () => createXaiProvider({ environment }), variable: /XAI_API_KEY/ },
  },
  'openai-compatible': {
    ...openAIFamily,
    create: ({ simulatorUrl, headers }) =>
      createOpenAICompatibleProvider({
        apiKey: KEYS.openai,
        baseUrl: `${simulatorUrl}/v1`,
        environment,
        ...(headers && { headers }),
      }),
    apiKey: KEYS.openai,
    model: 'local-llama',
    // No catalog entry: the list comes from the server's GET /models.
    modelNotFoundHint: /Available models: .*gpt-4o/,
    toolArguments: 'split',
    cacheTokens: { read: true, write: false },
    priced: false,
  },
};

let simulator: RunningSimulator;
beforeAll(async () => {
  simulator = await startSimulator({ port: 0 });
});
afterAll(async () => {
  await simulator.close();
});

for (const [name, target] of Object.entries(TARGETS)) {
  describeProviderContract(name, { simulator: () => simulator, target });
}
