import type { WorkflowDefinition } from '@catalyst/spec';

/**
 * The tests' question workflow `chat`: input `{question}` (a non-empty string, nothing else),
 * one OpenAI completion answering it, output `{answer}`. `description` is set only when given, so
 * a test of the workflow listing can check it.
 *
 * @example
 * createCatalystApp({ workflows: [questionWorkflow()], providers, environment: {} });
 */
export function questionWorkflow(options: { description?: string } = {}): WorkflowDefinition {
  return {
    id: 'chat',
    name: 'Chat',
    ...(options.description !== undefined && { description: options.description }),
    input: {
      type: 'object',
      properties: { question: { type: 'string', minLength: 1 } },
      required: ['question'],
      additionalProperties: false,
    },
    nodes: [
      { id: 'input', type: 'input' },
      {
        id: 'answer',
        type: 'openaiCompletion',
        config: { model: 'gpt-4.1-mini', prompt: '{{ input.question }}' },
      },
      { id: 'output', type: 'output', config: { value: { answer: '{{ nodes.answer.text }}' } } },
    ],
    edges: [
      { from: 'input', to: 'answer' },
      { from: 'answer', to: 'output' },
    ],
  };
}
