import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { NodeManifest } from '@catalyst/workflow';
import { buildNodeManifest } from '@catalyst/workflow';
import { describe, expect, it } from 'vitest';
import { NODE_CONFIGS_MODULE_PATH, nodeConfigsModule } from './node-configs-module.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

function manifestOf(nodeTypes: Array<Partial<NodeManifest['nodeTypes'][number]>>): NodeManifest {
  return {
    '//': '',
    providers: {},
    nodeTypes: nodeTypes.map((entry) => ({
      type: 'x',
      category: 'io',
      name: 'X',
      description: '',
      icon: '',
      color: '',
      provider: null,
      supportsStreaming: false,
      inputs: [],
      outputs: [],
      defaultConfig: {},
      configSchema: { type: 'object', properties: {} },
      templateFields: [],
      expressionFields: [],
      ...entry,
    })),
  };
}

describe('nodeConfigsModule', () => {
  it('equals the committed python/catalyst_runtime/node_configs.py (run `npm run generate`)', () => {
    const committed = readFileSync(`${root}${NODE_CONFIGS_MODULE_PATH}`, 'utf8');
    expect(
      committed === nodeConfigsModule(buildNodeManifest()),
      `${NODE_CONFIGS_MODULE_PATH} is out of date: run \`npm run generate\``,
    ).toBe(true);
  });

  it('has a TypedDict per node type; fields required without a default are Required', () => {
    const module = nodeConfigsModule(buildNodeManifest());
    expect(module).toContain('class AzureOpenaiCompletionConfig(TypedDict, total=False):');
    // Azure has no default model; OpenAI's default makes `model` optional in a file.
    expect(module).toMatch(/class AzureOpenaiCompletionConfig[\s\S]*?model: Required\[str\]/);
    expect(module).toMatch(/class OpenaiCompletionConfig[\s\S]*?\n {4}model: str\n/);
    expect(module).toContain('    "llmRouter": LlmRouterConfig,');
    expect(module).toContain('    default: Required[Target | list[Target]]');
  });

  it('hoists long Literals, shares equal nested shapes and keeps node configs apart', () => {
    const kinds = Array.from({ length: 12 }, (_, index) => `a_rather_long_kind_${index}`);
    const closed = {
      type: 'object',
      properties: { name: { type: 'string' } },
      required: ['name'],
      additionalProperties: false,
    };
    const module = nodeConfigsModule(
      manifestOf([
        {
          type: 'first',
          configSchema: {
            type: 'object',
            properties: {
              kinds: { type: 'array', items: { enum: kinds } },
              tool: closed,
              open: { type: 'object', properties: { a: { type: 'string' } } },
            },
          },
        },
        { type: 'second', configSchema: { type: 'object', properties: { tool: closed } } },
        { type: 'third' },
        { type: 'fourth' },
      ]),
    );
    expect(module).toContain('    kinds: list[Kind]');
    expect(module).toContain('Kind = Literal[\n    "a_rather_long_kind_0",\n');
    expect(module.match(/^class Tool\(/gm)).toHaveLength(1);
    expect(module).toContain('    open: dict[str, Any]');
    expect(module).toContain('class ThirdConfig(TypedDict, total=False):');
    expect(module).toContain('class FourthConfig(TypedDict, total=False):');
  });

  it('refuses a field that cannot be a TypedDict key', () => {
    expect(() =>
      nodeConfigsModule(
        manifestOf([{ configSchema: { type: 'object', properties: { class: {} } } }]),
      ),
    ).toThrow('config field "class" is not a Python identifier');
  });
});
