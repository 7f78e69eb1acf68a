import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runSimulatorCli } from '../run-simulator-cli.js';
import { loadScenarioFile } from './load-scenario-file.js';
import { type RunningSimulator, startSimulator } from './server.js';

let simulator: RunningSimulator;
let client: OpenAI;

beforeAll(async () => {
  simulator = await startSimulator();
  client = new OpenAI({ apiKey: 'sk-test', baseURL: `${simulator.url}/v1`, maxRetries: 0 });
});
afterAll(async () => simulator.close());
beforeEach(() => {
  simulator.setScenario(undefined);
  simulator.reset();
});

const ask = async (content: string, model = 'gpt-4o') =>
  (await client.chat.completions.create({ model, messages: [{ role: 'user', content }] }))
    .choices[0]?.message.content;

describe('scenarios', () => {
  it('loads a YAML file and applies rules in order with contains, nth and times', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'catalyst-sim-'));
    const file = join(directory, 'scenario.yaml');
    await writeFile(
      file,
      [
        'rules:',
        '  - name: greet',
        '    match: { contains: hello }',
        '    reply: { text: Hi there! }',
        '  - name: second-call-fails',
        '    match: { nth: 2 }',
        '    fault: { type: http, kind: server }',
        '  - name: once',
        '    match: { model: "gpt-4.1*", times: 1 }',
        '    reply: { text: first only }',
      ].join('\n'),
    );
    simulator.setScenario(await loadScenarioFile(file));
    expect(await ask('hello you')).toBe('Hi there!');
    expect(await ask('anything', 'gpt-4.1-mini')).toBe('first only');
    await expect(ask('anything')).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    expect(await ask('anything', 'gpt-4.1-mini')).toContain('Simulated reply');
    expect(simulator.requests().map((entry) => entry.rule)).toEqual([
      'greet',
      'once',
      'second-call-fails',
      null,
    ]);
  });

  it('loads a scenario at runtime through PUT /_sim/scenario and rejects bad ones', async () => {
    const put = await fetch(`${simulator.url}/_sim/scenario`, {
      method: 'PUT',
      body: JSON.stringify({
        rules: [{ match: { provider: 'openai' }, reply: { text: 'from PUT' } }],
      }),
    });
    expect(put.status).toBe(200);
    expect(await ask('x')).toBe('from PUT');
    const bad = await fetch(`${simulator.url}/_sim/scenario`, {
      method: 'PUT',
      body: JSON.stringify({ rules: [{ fault: { type: 'explode' } }] }),
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: expect.stringContaining('rules[0].fault.type') });
  });

  it('answers an invalid directive with a 400 that says why', async () => {
    const error = await ask('x [[sim {"fault":{"type":"http","kind":"nope"}}]]').catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as Error).message).toContain('kind must be one of');
  });

  it('renders stream faults on non-stream requests', async () => {
    await expect(
      ask('x [[sim {"fault":{"type":"disconnect","afterChunks":0}}]]'),
    ).rejects.toBeInstanceOf(OpenAI.APIConnectionError);
    await expect(
      ask('x [[sim {"fault":{"type":"stream-error","afterChunks":0,"kind":"overloaded"}}]]'),
    ).rejects.toBeInstanceOf(OpenAI.InternalServerError);
  });

  it('applies a non-stream generation delay from timing', async () => {
    const started = Date.now();
    await ask('x [[sim {"timing":{"firstTokenMs":40,"tokenDelayMs":2}}]]');
    expect(Date.now() - started).toBeGreaterThanOrEqual(40);
  });
});

describe('control API and routing', () => {
  it('serves health, requests and reset', async () => {
    await ask('logged');
    const health = await (await fetch(`${simulator.url}/_sim/health`)).json();
    expect(health).toMatchObject({ status: 'ok', requests: 1 });
    const log = (await (await fetch(`${simulator.url}/_sim/requests`)).json()) as Array<
      Record<string, unknown>
    >;
    expect(log[0]).toMatchObject({
      method: 'POST',
      path: '/v1/chat/completions',
      provider: 'openai',
      operation: 'chat',
      model: 'gpt-4o',
      status: 200,
      finished: true,
      clientClosedEarly: false,
    });
    await fetch(`${simulator.url}/_sim/reset`, { method: 'POST' });
    expect(simulator.requests()).toEqual([]);
  });

  it('answers unknown paths with an OpenAI-style 404 and redacts the key query parameter', async () => {
    const response = await fetch(`${simulator.url}/v1/nope?key=secret`, { method: 'POST' });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({
      error: { message: 'Invalid URL (POST /v1/nope)' },
    });
    expect(simulator.requests().at(-1)?.query).toEqual({ key: '[redacted]' });
  });
});

describe('runSimulatorCli', () => {
  it('prints the listening line first', async () => {
    const lines: string[] = [];
    const running = await runSimulatorCli(['--port', '0', '--host', '127.0.0.1'], (line) =>
      lines.push(line),
    );
    try {
      expect(lines[0]).toBe(`Catalyst simulator listening on http://127.0.0.1:${running.port}`);
    } finally {
      await running.close();
    }
  });
});
