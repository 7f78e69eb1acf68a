import type { NodeTypeDefinition } from './node-type.js';

/** Where a run starts: its output is the run input, checked against the workflow's `input` schema. */
export const INPUT_NODE: NodeTypeDefinition = {
  type: 'input',
  category: 'io',
  name: 'Input',
  description:
    "Starts the workflow. Its output is the run input, checked against the workflow's input schema.",
  icon: 'LogIn',
  color: 'bg-slate-500',
  inputs: [],
  outputs: [{ id: 'output', name: 'Input', type: 'default' }],
  defaultConfig: {},
  configSchema: { type: 'object', properties: {}, additionalProperties: false },
  supportsStreaming: false,
  templateFields: [],
  expressionFields: [],
  outputFields: [],
};
