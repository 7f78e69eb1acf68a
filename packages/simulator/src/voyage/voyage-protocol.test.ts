import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../core/server.js';

let simulator: RunningSimulator;

beforeAll(async () => {
  simulator = await startSimulator({ port: 0 });
});
afterAll(async () => simulator.close());

async function embed(path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${simulator.url}${path}`, {
    method: 'POST',
    headers: { authorization: 'Bearer pa-test', 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('Voyage embeddings', () => {
  it('answers under /voyage/v1 with total_tokens only and output_dimension', async () => {
    const { status, body } = await embed('/voyage/v1/embeddings', {
      model: 'voyage-4',
      input: ['a', 'b'],
      output_dimension: 256,
    });
    expect(status).toBe(200);
    const data = body.data as Array<{ embedding: number[]; index: number }>;
    expect(data).toHaveLength(2);
    expect(data[0]?.embedding).toHaveLength(256);
    expect(body.usage).toEqual({ total_tokens: expect.any(Number) });
    expect(simulator.requests().at(-1)?.provider).toBe('voyage');
  });

  it('claims /v1/embeddings for voyage-* models, and input_type changes the vector', async () => {
    const query = await embed('/v1/embeddings', {
      model: 'voyage-4-lite',
      input: 'x',
      input_type: 'query',
    });
    const documentVector = await embed('/v1/embeddings', {
      model: 'voyage-4-lite',
      input: 'x',
      input_type: 'document',
    });
    const first = (query.body.data as Array<{ embedding: number[] }>)[0]?.embedding;
    expect(first).toHaveLength(1024);
    expect(first).not.toEqual(
      (documentVector.body.data as Array<{ embedding: number[] }>)[0]?.embedding,
    );
    expect(simulator.requests().at(-1)?.provider).toBe('voyage');
  });

  it('answers errors as {detail}', async () => {
    const missingKey = await fetch(`${simulator.url}/voyage/v1/embeddings`, {
      method: 'POST',
      body: JSON.stringify({ model: 'voyage-4', input: 'x' }),
    });
    expect(missingKey.status).toBe(401);
    expect(await missingKey.json()).toEqual({ detail: expect.stringContaining('API key') });
    const limited = await embed(
      '/voyage/v1/embeddings',
      { model: 'voyage-4', input: 'x' },
      { 'x-sim-directive': '{"fault":{"type":"http","kind":"rate_limit","retryAfterSeconds":2}}' },
    );
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ detail: expect.any(String) });
    const badDimension = await embed('/voyage/v1/embeddings', {
      model: 'voyage-4',
      input: 'x',
      output_dimension: 100,
    });
    expect(badDimension.status).toBe(400);
  });
});
