import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { applyConfigDefaults } from './apply-config-defaults.js';
import { findTemplateStrings } from './find-template-strings.js';
import { getNodeType, listNodeTypes, NODE_TYPES } from './node-types.js';

const ajv = new Ajv2020({ strict: true });
const completions = {
  anthropicCompletion: { provider: 'anthropic', model: 'claude-haiku-4-5', maximumTemperature: 1 },
  openaiCompletion: { provider: 'openai', model: 'gpt-4.1-mini', maximumTemperature: 2 },
  azureOpenaiCompletion: { provider: 'azure', model: undefined, maximumTemperature: 2 },
  groqCompletion: { provider: 'groq', model: 'llama-3.3-70b-versatile', maximumTemperature: 2 },
  geminiCompletion: { provider: 'gemini', model: 'gemini-2.5-flash', maximumTemperature: 2 },
  grokCompletion: { provider: 'xai', model: 'grok-4-fast-non-reasoning', maximumTemperature: 2 },
  localCompletion: { provider: 'local', model: 'smollm2-135m-instruct', maximumTemperature: 2 },
} as const;

describe('node registry', () => {
  it('lists every node type once, and finds them by type', () => {
    const types = listNodeTypes().map((definition) => definition.type);
    expect(types).toEqual([
      'input',
      'output',
      'promptTemplate',
      ...Object.keys(completions),
      'llmRouter',
      'embeddingGenerate',
    ]);
    expect(new Set(types).size).toBe(types.length);
    expect(getNodeType('openaiCompletion')?.provider).toBe('openai');
    expect(getNodeType('nope')).toBeUndefined();
  });

  it.each(NODE_TYPES.map((definition) => [definition.type, definition] as const))(
    '%s has complete editor metadata and a valid config schema its defaults satisfy',
    (_type, definition) => {
      expect(definition.name).not.toBe('');
      expect(definition.description.length).toBeGreaterThan(20);
      expect(definition.icon).toMatch(/^[A-Z][A-Za-z]+$/);
      expect(definition.color).toMatch(/^bg-[a-z]+-\d{3}$/);
      for (const handle of [...definition.inputs, ...definition.outputs]) {
        expect(handle.id).toMatch(/^[a-z_]+$/);
        expect(handle.name).not.toBe('');
      }
      const validate = ajv.compile(definition.configSchema);
      // Every default must itself be valid for its field.
      const properties = definition.configSchema.properties as Record<string, unknown>;
      for (const key of Object.keys(definition.defaultConfig))
        expect(properties).toHaveProperty(key);
      validate(definition.defaultConfig);
      const wrongTypes = (validate.errors ?? []).filter((error) => error.keyword !== 'required');
      expect(wrongTypes).toEqual([]);
    },
  );

  it.each(Object.entries(completions))('%s is a configured completion node', (type, expected) => {
    const definition = getNodeType(type);
    expect(definition).toMatchObject({
      category: 'llm',
      provider: expected.provider,
      supportsStreaming: true,
    });
    expect(definition?.defaultConfig.model).toBe(expected.model);
    expect(definition?.defaultConfig.stream).toBe(true);
    expect(definition?.outputs.map((handle) => [handle.id, handle.type])).toEqual([
      ['output', 'default'],
      ['stream', 'stream'],
      ['function_call', 'conditional'],
    ]);
    const properties = definition?.configSchema.properties as Record<string, { maximum?: number }>;
    expect(properties.temperature?.maximum).toBe(expected.maximumTemperature);
    expect(definition?.templateFields).toEqual(['prompt', 'system', 'messages[].content']);
  });

  it('applies defaults under the node config', () => {
    const openai = getNodeType('openaiCompletion');
    if (!openai) throw new Error('missing');
    expect(applyConfigDefaults(openai, { prompt: 'Hi', stream: false })).toEqual({
      model: 'gpt-4.1-mini',
      stream: false,
      prompt: 'Hi',
    });
  });

  it('finds template strings by field pattern', () => {
    const strings = findTemplateStrings(
      {
        system: 'S',
        messages: [
          { role: 'user', content: 'A' },
          { role: 'user', content: 'B' },
        ],
        value: { list: ['x', { 'odd key': 'y' }], n: 1 },
      },
      ['system', 'messages[].content', 'value.**', 'missing'],
    );
    expect(strings.map((string) => [string.field, string.pointer, string.text])).toEqual([
      ['system', '/system', 'S'],
      ['messages[0].content', '/messages/0/content', 'A'],
      ['messages[1].content', '/messages/1/content', 'B'],
      ['value.list[0]', '/value/list/0', 'x'],
      ['value.list[1]["odd key"]', '/value/list/1/odd key', 'y'],
    ]);
  });
});
