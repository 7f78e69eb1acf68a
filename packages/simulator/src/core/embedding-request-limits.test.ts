import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from './server.js';

let simulator: RunningSimulator;
beforeAll(async () => {
  simulator = await startSimulator({ port: 0 });
});
afterAll(async () => simulator.close());

async function post(path: string, body: unknown) {
  const response = await fetch(`${simulator.url}${path}`, {
    method: 'POST',
    headers: { authorization: 'Bearer sk-test', 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('embeddings per-request limits', () => {
  it('refuses more than 2048 OpenAI inputs or 300,000 tokens, and accepts the limit', async () => {
    const many = Array.from({ length: 2049 }, (_, index) => `t${index}`);
    const tooMany = await post('/v1/embeddings', {
      model: 'text-embedding-3-small',
      input: many,
      dimensions: 1,
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error).toMatchObject({ type: 'invalid_request_error' });
    const atLimit = await post('/v1/embeddings', {
      model: 'text-embedding-3-small',
      input: many.slice(0, 2048),
      dimensions: 1,
    });
    expect(atLimit.status).toBe(200);
    const long = Array.from({ length: 8 }, () => 'x'.repeat(160_000)); // 8 × 40,000 tokens
    const tooLong = await post('/v1/embeddings', {
      model: 'text-embedding-3-small',
      input: long,
      dimensions: 1,
    });
    expect(tooLong.status).toBe(400);
    expect(JSON.stringify(tooLong.body)).toContain('max 300000 tokens per request');
  });

  it("applies Voyage's per-model token budget", async () => {
    const input = Array.from({ length: 4 }, () => 'x'.repeat(160_000)); // 160,000 tokens
    const large = await post('/voyage/v1/embeddings', { model: 'voyage-4-large', input });
    expect(large.status).toBe(400);
    expect(large.body.detail).toContain('max allowed tokens per submitted batch is 120000');
    const lite = await post('/voyage/v1/embeddings', {
      model: 'voyage-4-lite',
      input,
      output_dimension: 256,
    });
    expect(lite.status).toBe(200);
  });
});
