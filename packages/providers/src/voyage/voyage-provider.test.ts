import { type RunningSimulator, startSimulator } from '@catalyst/simulator';
import { ProviderError } from '@catalyst/spec';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createVoyageProvider } from './create-voyage-provider.js';

const KEY = 'pa-SECRET1234567890';
let simulator: RunningSimulator;

beforeAll(async () => {
  simulator = await startSimulator({ port: 0 });
});
afterAll(async () => simulator.close());
beforeEach(() => simulator.reset());

function voyage(headers?: Record<string, string>) {
  return createVoyageProvider({
    apiKey: KEY,
    baseUrl: `${simulator.url}/voyage/v1`,
    environment: {},
    ...(headers && { headers }),
  });
}

describe('Voyage provider', () => {
  it('embeds in order with input_type and output_dimension, usage from total_tokens', async () => {
    const result = await voyage().embed?.({
      model: 'voyage-4',
      input: ['first text', 'second'],
      inputType: 'query',
      dimensions: 256,
      signal: AbortSignal.timeout(10_000),
    });
    expect(result?.embeddings).toHaveLength(2);
    expect(result?.embeddings[0]).toHaveLength(256);
    expect(result?.usage.inputTokens).toBeGreaterThan(0);
    expect(result?.cost?.totalUsd).toBeGreaterThan(0);
    const logged = simulator.requests()[0];
    expect(logged?.provider).toBe('voyage');
    expect(logged?.body).toEqual({
      model: 'voyage-4',
      input: ['first text', 'second'],
      input_type: 'query',
      output_dimension: 256,
    });
    expect(logged?.headers.authorization).toBe('[redacted]');
  });

  it('maps {detail} errors with retry-after, and never leaks the key', async () => {
    const error = await voyage({
      'x-sim-directive': JSON.stringify({
        fault: { type: 'http', kind: 'rate_limit', retryAfterSeconds: 2 },
      }),
    })
      .embed?.({ model: 'voyage-4', input: ['x'], signal: AbortSignal.timeout(10_000) })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).kind).toBe('rate_limit');
    expect((error as ProviderError).retryable).toBe(true);
    expect((error as ProviderError).retryAfterMs).toBe(2000);
    expect((error as ProviderError).message).toContain('Voyage AI rate limit reached');
    expect((error as ProviderError).message).not.toContain(KEY);
  });

  it('reports a missing key by the variable to set, and is embeddings-only', async () => {
    const provider = createVoyageProvider({ environment: {} });
    const error = await provider
      .embed?.({ model: 'voyage-4', input: ['x'], signal: AbortSignal.timeout(10_000) })
      .catch((caught: unknown) => caught);
    expect((error as ProviderError).kind).toBe('auth');
    expect((error as ProviderError).message).toContain('VOYAGE_API_KEY');
    const events = [];
    for await (const event of provider.stream({
      model: 'voyage-4',
      messages: [],
      signal: AbortSignal.timeout(1000),
    })) {
      events.push(event);
    }
    expect(events).toHaveLength(1);
    expect(events[0]?.type).toBe('error');
  });

  it('gives a too-large batch as context_length', async () => {
    const error = await voyage()
      .embed?.({
        model: 'voyage-4-large',
        input: Array.from({ length: 5 }, () => 'x'.repeat(120_000)),
        signal: AbortSignal.timeout(10_000),
      })
      .catch((caught: unknown) => caught);
    expect((error as ProviderError).kind).toBe('context_length');
    expect((error as ProviderError).status).toBe(400);
  });
});
