import { defineCompletionNode } from './define-completion-node.js';

/** Groq through the groq provider. */
export const GROQ_COMPLETION_NODE = defineCompletionNode({
  type: 'groqCompletion',
  provider: 'groq',
  name: 'Groq',
  description:
    'Fast open-model completion (Llama, GPT-OSS) on Groq, with tool calling and JSON mode.',
  icon: 'Zap',
  color: 'bg-rose-500',
  maximumTemperature: 2,
});
