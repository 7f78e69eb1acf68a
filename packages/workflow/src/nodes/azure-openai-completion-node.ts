import { defineCompletionNode } from './define-completion-node.js';

/** Azure OpenAI through the azure provider. */
export const AZURE_OPENAI_COMPLETION_NODE = defineCompletionNode({
  type: 'azureOpenaiCompletion',
  provider: 'azure',
  name: 'Azure OpenAI',
  description:
    'OpenAI models on your Azure OpenAI deployment, with function calling and JSON mode.',
  icon: 'Cloud',
  color: 'bg-sky-600',
  modelDescription:
    'The Azure deployment name (required; Azure routes by deployment, not model id).',
  maximumTemperature: 2,
});
