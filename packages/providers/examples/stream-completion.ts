// One streaming interface over every provider. Here Anthropic's Messages API is answered by the
// provider simulator, so the example runs offline with a fake key; drop `baseUrl` and set
// ANTHROPIC_API_KEY to talk to the real service.
import { createProvider } from '@catalyst/providers';
import { startSimulator } from '@catalyst/simulator';

const simulator = await startSimulator({ port: 0 });
try {
  const anthropic = createProvider('anthropic', {
    apiKey: 'sk-ant-example',
    baseUrl: simulator.url,
  });
  const controller = new AbortController(); // abort() closes the upstream connection at once
  let text = '';
  for await (const event of anthropic.stream({
    model: 'claude-haiku-4-5',
    messages: [{ role: 'user', content: 'Say hello' }],
    maxTokens: 64,
    signal: controller.signal,
  })) {
    if (event.type === 'token') text += event.text; // as each token arrives
    if (event.type === 'done') {
      console.log(text);
      console.log(
        `${event.usage.inputTokens} in, ${event.usage.outputTokens} out, $${event.cost?.totalUsd}`,
      );
    }
    if (event.type === 'error') console.log(`${event.error.kind}: ${event.error.message}`);
  }
} finally {
  await simulator.close();
}
