// The official OpenAI SDK, pointed at the simulator by base URL, behaves as against the real API.
import { startSimulator } from '@catalyst/simulator';
import OpenAI from 'openai';

const simulator = await startSimulator({ port: 0 }); // 0 = a free port; host defaults to 127.0.0.1
try {
  const client = new OpenAI({ apiKey: 'any', baseURL: `${simulator.url}/v1`, maxRetries: 0 });
  const reply = await client.chat.completions.create({
    model: 'gpt-4o',
    messages: [{ role: 'user', content: 'Hello' }],
  });
  console.log(reply.choices[0]?.message.content); // Simulated reply from gpt-4o: you said "Hello".
  console.log(simulator.requests().length, 'request logged');
} finally {
  await simulator.close();
}
