import { defineCompletionNode } from './define-completion-node.js';

/** Claude through the anthropic provider. */
export const ANTHROPIC_COMPLETION_NODE = defineCompletionNode({
  type: 'anthropicCompletion',
  provider: 'anthropic',
  name: 'Claude',
  description: 'Anthropic Claude completion with streaming, tool use and JSON output.',
  icon: 'Sparkles',
  color: 'bg-orange-500',
  maximumTemperature: 1,
});
