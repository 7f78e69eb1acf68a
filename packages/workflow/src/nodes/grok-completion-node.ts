import { defineCompletionNode } from './define-completion-node.js';

/** Grok through the xai provider. */
export const GROK_COMPLETION_NODE = defineCompletionNode({
  type: 'grokCompletion',
  provider: 'xai',
  name: 'Grok',
  description: 'xAI Grok completion with streaming, function calling and JSON mode.',
  icon: 'Rocket',
  color: 'bg-neutral-800',
  maximumTemperature: 2,
});
