import type { WorkflowDefinition } from '@catalyst/spec';

/**
 * The tests' chat workflow: input `{messages}` (as the OpenAI gateway and `useChat` send it), one
 * OpenAI completion answering the last message, output its text. `system` adds a system prompt.
 *
 * @example
 * createCatalystApp({ workflows: [assistantWorkflow()], providers, environment: {} });
 */
export function assistantWorkflow(options: { system?: string } = {}): WorkflowDefinition {
  return {
    id: 'assistant',
    name: 'Assistant',
    input: { type: 'object', properties: { messages: { type: 'array' } }, required: ['messages'] },
    nodes: [
      { id: 'input', type: 'input' },
      {
        id: 'answer',
        type: 'openaiCompletion',
        config: {
          model: 'gpt-4.1-mini',
          ...(options.system !== undefined && { system: options.system }),
          prompt: '{{ input.messages[size(input.messages) - 1].content }}',
        },
      },
      { id: 'output', type: 'output', config: { value: '{{ nodes.answer.text }}' } },
    ],
    edges: [
      { from: 'input', to: 'answer' },
      { from: 'answer', to: 'output' },
    ],
  };
}
