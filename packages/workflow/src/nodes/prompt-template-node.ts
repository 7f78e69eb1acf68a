import { MESSAGE_SCHEMA } from './message-schema.js';
import type { NodeTypeDefinition } from './node-type.js';
import { PROMPT_TEMPLATE_OUTPUT_FIELDS } from './output-fields.js';

/**
 * Builds chat messages from templates. Its output, `{ system?, messages, text }`, feeds a
 * completion node that has neither `prompt` nor `messages` of its own; `text` is every message's
 * content joined, for nodes that want one string.
 */
export const PROMPT_TEMPLATE_NODE: NodeTypeDefinition = {
  type: 'promptTemplate',
  category: 'prompt',
  name: 'Prompt Template',
  description:
    'Builds a system prompt and chat messages from templates with {{ … }} holes, for the completion node after it.',
  icon: 'FileText',
  color: 'bg-blue-500',
  inputs: [{ id: 'input', name: 'Input', type: 'default' }],
  outputs: [{ id: 'output', name: 'Prompt', type: 'default' }],
  defaultConfig: {},
  configSchema: {
    type: 'object',
    properties: {
      system: { type: 'string', description: 'System prompt template.' },
      messages: {
        type: 'array',
        items: MESSAGE_SCHEMA,
        minItems: 1,
        description: 'Chat messages; each content is a template.',
      },
      variables: {
        type: 'object',
        description:
          'Named values the other templates read as `variables.<name>`; strings inside are templates themselves.',
      },
    },
    required: ['messages'],
    additionalProperties: false,
  },
  supportsStreaming: false,
  templateFields: ['system', 'messages[].content', 'variables.**'],
  expressionFields: [],
  outputFields: PROMPT_TEMPLATE_OUTPUT_FIELDS,
};
