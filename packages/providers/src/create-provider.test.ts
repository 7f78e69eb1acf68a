import { type RunningSimulator, startSimulator } from '@catalyst/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProvider } from './create-provider.js';

let simulator: RunningSimulator;
beforeAll(async () => {
  simulator = await startSimulator({ port: 0 });
});
afterAll(async () => {
  await simulator.close();
});

describe('createProvider("local")', () => {
  it('uses the Chat Completions server at CATALYST_LOCAL_BASE_URL instead of the embedded model', async () => {
    simulator.reset();
    const provider = createProvider('local', {
      environment: {
        CATALYST_LOCAL_BASE_URL: `${simulator.url}/v1`,
        CATALYST_LOCAL_API_KEY: 'k-1',
      },
    });
    const result = await provider.generate({
      model: 'smollm2-135m-instruct',
      messages: [{ role: 'user', content: 'Hello' }],
      signal: new AbortController().signal,
    });
    expect(result.text.length).toBeGreaterThan(0);
    const [request] = simulator.requests();
    expect(request?.path).toBe('/v1/chat/completions');
    expect(request?.body).toMatchObject({ model: 'smollm2-135m-instruct', stream: true });
  });
});
