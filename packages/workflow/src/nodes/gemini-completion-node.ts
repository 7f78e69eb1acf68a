import { defineCompletionNode } from './define-completion-node.js';

/** Gemini through the gemini provider. */
export const GEMINI_COMPLETION_NODE = defineCompletionNode({
  type: 'geminiCompletion',
  provider: 'gemini',
  name: 'Gemini',
  description: 'Google Gemini completion with streaming, function calling and JSON output.',
  icon: 'Gem',
  color: 'bg-indigo-500',
  maximumTemperature: 2,
});
