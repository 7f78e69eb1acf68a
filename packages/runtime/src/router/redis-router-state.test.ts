import { createProviderRegistry } from '@catalyst/providers';
import { startRedisServer } from '@catalyst/providers/testing';
import { parseScenario, type RunningSimulator, startSimulator } from '@catalyst/simulator';
import type { JsonValue, WorkflowDefinition } from '@catalyst/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCatalystApp } from '../server/create-catalyst-app.js';
import { conformanceEnvironment, parseEventStream } from '../testing/conformance-vector.js';
import { RedisRouterState } from './redis-router-state.js';

// Several servers share router state through one real redis-server (scripts/setup-redis.sh).

let redis: Awaited<ReturnType<typeof startRedisServer>>;
let simulator: RunningSimulator;

beforeAll(async () => {
  redis = await startRedisServer();
  simulator = await startSimulator({ port: 0 });
});
afterAll(async () => {
  await simulator.close();
  await redis.close();
});

describe('RedisRouterState', () => {
  it('shares cooldowns, latency averages and weighted turns between instances', async () => {
    const a = new RedisRouterState({ url: redis.url });
    const b = new RedisRouterState({ url: redis.url });
    try {
      await a.recordFailure('groq/m', { failures: 2, seconds: 60 });
      expect((await b.read(['groq/m'])).stats.get('groq/m')?.coolingDown).toBe(false);
      await b.recordFailure('groq/m', { failures: 2, seconds: 60 });
      expect((await a.read(['groq/m'])).stats.get('groq/m')).toEqual({ coolingDown: true });
      await a.recordSuccess('openai/m', 100);
      await b.recordSuccess('openai/m', 200);
      expect((await a.read(['openai/m'])).stats.get('openai/m')?.ttftMs).toBeCloseTo(130, 9);
      expect([await a.nextTurn('w'), await b.nextTurn('w'), await a.nextTurn('w')]).toEqual([
        0, 1, 2,
      ]);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('falls back to local memory with a visible warning when Redis is down, never logging the URL', async () => {
    const lines: string[] = [];
    const down = new RedisRouterState({
      url: 'redis://user:s3cret-password@127.0.0.1:1',
      log: (line) => lines.push(line),
    });
    try {
      await down.recordFailure('groq/m', { failures: 1, seconds: 60 });
      const snapshot = await down.read(['groq/m']);
      // The memory fallback still honours the cooldown it recorded.
      expect(snapshot.stats.get('groq/m')?.coolingDown).toBe(true);
      expect(snapshot.warning).toMatch(
        /^router state is local to this server: Redis is unavailable \(.+\)$/,
      );
      expect(await down.nextTurn('w')).toBe(0);
      expect(lines).toHaveLength(1);
      expect(lines.join('\n')).not.toContain('s3cret');
      expect(snapshot.warning).not.toContain('s3cret');
    } finally {
      await down.close();
    }
  });
});

const workflow: WorkflowDefinition = {
  id: 'shared',
  name: 'Shared router state',
  input: {
    type: 'object',
    properties: { question: { type: 'string' } },
    required: ['question'],
  },
  nodes: [
    { id: 'input', type: 'input' },
    {
      id: 'route',
      type: 'llmRouter',
      config: {
        prompt: '{{ input.question }}',
        cooldown: { failures: 1, seconds: 60 },
        default: [
          { provider: 'groq', model: 'llama-3.1-8b-instant' },
          { provider: 'openai', model: 'gpt-4.1-mini' },
        ],
      },
    },
    { id: 'output', type: 'output' },
  ],
  edges: [
    { from: 'input', to: 'route' },
    { from: 'route', to: 'output' },
  ],
};

function appOn(environment: Record<string, string>) {
  return createCatalystApp({
    workflows: [workflow],
    environment,
    providers: createProviderRegistry({ environment }),
  });
}

async function stream(app: ReturnType<typeof appOn>): Promise<Array<[string, JsonValue]>> {
  const response = await app.fetch(
    new Request('http://catalyst.test/workflows/shared/stream', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ question: 'Hi' }),
    }),
  );
  return parseEventStream(await response.text());
}

describe('two servers on one Redis (REDIS_URL)', () => {
  it('a cooldown one server records is honoured by the other', async () => {
    simulator.reset();
    simulator.setScenario(
      parseScenario({
        rules: [{ match: { provider: 'groq' }, fault: { type: 'http', kind: 'rate_limit' } }],
      }),
    );
    const environment = { ...conformanceEnvironment(simulator.url), REDIS_URL: redis.url };
    const first = appOn(environment);
    const second = appOn(environment);
    // A third server without Redis keeps its own memory and knows nothing of the cooldown.
    const isolated = appOn(conformanceEnvironment(simulator.url));
    try {
      const firstEvents = await stream(first);
      expect(firstEvents.map(([name]) => name)).toContain('fallback');
      const secondEvents = await stream(second);
      const route = secondEvents.find(([name]) => name === 'route')?.[1];
      expect(route).toMatchObject({
        targets: [{ provider: 'openai', model: 'gpt-4.1-mini' }],
        skipped: [{ provider: 'groq', model: 'llama-3.1-8b-instant', reason: 'cooldown' }],
      });
      expect(secondEvents.map(([name]) => name)).not.toContain('fallback');
      expect(secondEvents.at(-1)?.[0]).toBe('done');
      const isolatedRoute = (await stream(isolated)).find(([name]) => name === 'route')?.[1];
      expect(isolatedRoute).toMatchObject({ skipped: [] });
      // Groq was called once by the first server only (and once by the isolated one).
      expect(simulator.requests().filter((request) => request.provider === 'groq')).toHaveLength(2);
    } finally {
      await Promise.all([first.close(), second.close(), isolated.close()]);
    }
  });
});
