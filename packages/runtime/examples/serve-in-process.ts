// A Catalyst server is one `fetch(Request) → Response` function: call it in-process as here, or
// serve it with `serveNode` (what `catalyst serve` does). The simulator stands in for OpenAI.
import { createProviderRegistry } from '@catalyst/providers';
import { createCatalystApp } from '@catalyst/runtime';
import { startSimulator } from '@catalyst/simulator';
import type { WorkflowDefinition } from '@catalyst/spec';

const chat: WorkflowDefinition = {
  id: 'chat',
  name: 'Chat',
  input: { type: 'object', properties: { question: { type: 'string' } }, required: ['question'] },
  nodes: [
    { id: 'input', type: 'input' },
    {
      id: 'answer',
      type: 'openaiCompletion',
      config: { model: 'gpt-4.1-mini', prompt: '{{ input.question }}' },
    },
    { id: 'output', type: 'output' },
  ],
  edges: [
    { from: 'input', to: 'answer' },
    { from: 'answer', to: 'output' },
  ],
};

const simulator = await startSimulator({ port: 0 });
const environment = { OPENAI_API_KEY: 'sk-example', OPENAI_BASE_URL: `${simulator.url}/v1` };
const app = createCatalystApp({
  workflows: [chat],
  providers: createProviderRegistry({ environment }),
  environment,
});
try {
  const response = await app.fetch(
    new Request('http://localhost/workflows/chat/stream', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ question: 'Hello' }),
    }),
  );
  console.log(response.status, response.headers.get('content-type'));
  const events = (await response.text()).split('\n\n').filter((frame) => frame.startsWith('id:'));
  // One `id: RUN:SEQ` + `event: NAME` + `data: JSON` frame each: node, token…, partial, done.
  for (const frame of events) console.log(frame.split('\n')[1]);
} finally {
  await app.close();
  await simulator.close();
}
