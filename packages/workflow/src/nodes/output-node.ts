import type { NodeTypeDefinition } from './node-type.js';

/**
 * The result of a run. With `value`, every string anywhere inside it is a template; without it,
 * the result is the upstream node's output.
 */
export const OUTPUT_NODE: NodeTypeDefinition = {
  type: 'output',
  category: 'io',
  name: 'Output',
  description:
    "Ends the workflow. Its value is the run's result: the upstream node's output, or `value` with its templates filled in.",
  icon: 'LogOut',
  color: 'bg-slate-700',
  inputs: [{ id: 'input', name: 'Value', type: 'default' }],
  outputs: [],
  defaultConfig: {},
  configSchema: {
    type: 'object',
    properties: {
      value: {
        description:
          'The result, any JSON; every string inside is a template, e.g. {"answer": "{{ nodes.answer.text }}"}. Without it, the upstream output.',
      },
    },
    additionalProperties: false,
  },
  supportsStreaming: false,
  templateFields: ['value.**'],
  expressionFields: [],
  outputFields: [],
};
