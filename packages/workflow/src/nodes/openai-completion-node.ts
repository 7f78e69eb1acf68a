import { defineCompletionNode } from './define-completion-node.js';

/** OpenAI through the openai provider. */
export const OPENAI_COMPLETION_NODE = defineCompletionNode({
  type: 'openaiCompletion',
  provider: 'openai',
  name: 'OpenAI',
  description: 'OpenAI GPT completion with streaming, function calling and JSON mode.',
  icon: 'Bot',
  color: 'bg-purple-500',
  maximumTemperature: 2,
});
