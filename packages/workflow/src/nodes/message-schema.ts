import type { JsonSchema } from '@catalyst/spec';

/** The JSON Schema of one chat message whose `content` is a template; shared by prompt nodes. */
export const MESSAGE_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    role: { enum: ['system', 'user', 'assistant'] },
    content: {
      type: 'string',
      description: 'A template: {{ … }} holes are filled in at run time.',
    },
    cache: {
      type: 'boolean',
      description:
        'Prompt caching: end a cached prefix after this message (an Anthropic cache breakpoint; other providers cache by themselves).',
    },
  },
  required: ['role', 'content'],
  additionalProperties: false,
};
