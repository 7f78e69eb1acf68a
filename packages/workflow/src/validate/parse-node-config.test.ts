import { describe, expect, it } from 'vitest';
import type { ChatRequestConfig, NodeConfigs, NodeTypeName } from '../nodes/node-configs.js';
import { getNodeType, NODE_TYPES } from '../nodes/node-types.js';
import { NodeConfigError, parseNodeConfig } from './parse-node-config.js';

// Annotated, so the compiler checks these literals' keys against the types exactly.
const request: Record<keyof Required<ChatRequestConfig>, true> = {
  prompt: true,
  system: true,
  messages: true,
  temperature: true,
  maxTokens: true,
  stop: true,
  tools: true,
  toolChoice: true,
  responseFormat: true,
  stream: true,
  timeoutMs: true,
  firstTokenTimeoutMs: true,
  idleTimeoutMs: true,
  maxRetries: true,
};
const completion: Record<keyof Required<NodeConfigs['openaiCompletion']>, true> = {
  model: true,
  ...request,
};

// Every field of every TypeScript config type, by node type: the compiler rejects a field the
// type lacks and requires every field it has, so comparing these with the schemas below checks
// the types against the schemas.
const FIELDS: { [Type in NodeTypeName]: Record<keyof Required<NodeConfigs[Type]>, true> } = {
  input: {},
  output: { value: true },
  promptTemplate: { system: true, messages: true, variables: true },
  anthropicCompletion: completion,
  openaiCompletion: completion,
  azureOpenaiCompletion: completion,
  groqCompletion: completion,
  geminiCompletion: completion,
  grokCompletion: completion,
  localCompletion: completion,
  llmRouter: {
    routes: true,
    default: true,
    strategy: true,
    fallbackOn: true,
    afterTokens: true,
    cooldown: true,
    ...request,
  },
  embeddingGenerate: {
    provider: true,
    model: true,
    input: true,
    dimensions: true,
    inputType: true,
    encodingFormat: true,
    batchSize: true,
    concurrency: true,
    maxRetries: true,
    cache: true,
    points: true,
    payload: true,
    query: true,
    topK: true,
  },
};

describe('node config types', () => {
  it('cover every node type in the registry', () => {
    expect(Object.keys(FIELDS).sort()).toEqual(NODE_TYPES.map((type) => type.type).sort());
  });

  it.each(Object.entries(FIELDS))('%s has exactly the fields of its schema', (type, fields) => {
    const properties = getNodeType(type)?.configSchema.properties ?? {};
    expect(Object.keys(fields).sort()).toEqual(Object.keys(properties).sort());
  });
});

describe('parseNodeConfig', () => {
  it('returns a config that matches its schema, typed', () => {
    const config = parseNodeConfig('llmRouter', {
      default: { provider: 'openai', model: 'gpt-4.1-mini' },
      strategy: 'ordered',
    });
    expect(config.strategy).toBe('ordered');
  });

  it('throws NodeConfigError with the issues of a config that does not', () => {
    let caught: unknown;
    try {
      parseNodeConfig('anthropicCompletion', { model: 'claude-haiku-4-5', temperature: 2 });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(NodeConfigError);
    expect(String(caught)).toContain('invalid anthropicCompletion config: temperature:');
  });
});
