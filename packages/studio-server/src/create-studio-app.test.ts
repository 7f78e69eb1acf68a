import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningSimulator, startSimulator } from '@catalyst/simulator';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStudioApp, type StudioApp } from './create-studio-app.js';
import { mountStudio } from './mount-studio.js';

const example = new URL('../../../examples/chat.json', import.meta.url);
let directory: string;
let simulator: RunningSimulator;
let studio: StudioApp;

const call = (path: string, init?: RequestInit) =>
  studio.fetch(new Request(`http://localhost${path}`, init)) as Promise<Response>;
const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'studio-api-'));
  copyFileSync(example, join(directory, 'chat.json'));
  simulator = await startSimulator({ port: 0 });
  studio = createStudioApp({ directory, environment: {}, simulatorUrl: simulator.url });
});

afterAll(async () => {
  await studio.close();
  await simulator.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('the studio API', () => {
  it('lists, opens and validates with the wording of catalyst validate', async () => {
    expect(await (await call('/api/files')).json()).toMatchObject({ files: ['chat.json'] });
    const opened = (await (await call('/api/files/chat.json')).json()) as {
      definition: { id: string };
      problems: unknown[];
    };
    expect(opened.definition.id).toBe('chat');
    expect(opened.problems).toEqual([]);
    const broken = JSON.parse(readFileSync(example, 'utf8'));
    broken.nodes[1].config.prompt = '{{ nodes.sumary.text }}';
    const validated = (await (
      await call('/api/validate', json({ name: 'chat.json', definition: broken }))
    ).json()) as { problems: { field: string; text: string }[] };
    expect(validated.problems).toHaveLength(1);
    expect(validated.problems[0]?.field).toBe('prompt');
    expect(validated.problems[0]?.text).toMatch(
      /^chat\.json:\d+:\d+ node "answer" field "prompt" \(at column 4 of the expression\): unknown node "sumary"/,
    );
  });

  it('answers validate with the names the expressions of each node may read', async () => {
    const definition = JSON.parse(readFileSync(example, 'utf8'));
    const validated = (await (
      await call('/api/validate', json({ name: 'chat.json', definition }))
    ).json()) as { references: Record<string, { name: string; detail: string }[]> };
    const output = validated.references.output?.map((reference) => reference.name) ?? [];
    expect(output).toContain('input.question');
    expect(output).toContain('nodes.answer.text');
    expect(
      validated.references.answer?.some((reference) => reference.name.startsWith('nodes.answer')),
    ).toBe(false);
  });

  it('saves a one-field change as a one-line diff and refuses names outside the directory', async () => {
    const before = readFileSync(join(directory, 'chat.json'), 'utf8');
    const definition = JSON.parse(before);
    definition.nodes[1].config.maxTokens = 99;
    const response = await call('/api/files/chat.json', { ...json({ definition }), method: 'PUT' });
    expect(response.status).toBe(200);
    const after = readFileSync(join(directory, 'chat.json'), 'utf8');
    const changed = after.split('\n').filter((line, index) => line !== before.split('\n')[index]);
    expect(changed).toEqual(['        "maxTokens": 99']);
    expect((await call('/api/files/..%2Fescape.json')).status).toBe(400);
  });

  it('streams a run from the simulator and stops it on request, closing the upstream call', async () => {
    const definition = JSON.parse(readFileSync(join(directory, 'chat.json'), 'utf8'));
    const done = await call(
      '/api/runs',
      json({ definition, input: { question: 'Hi' }, target: 'simulator' }),
    );
    expect(done.headers.get('content-type')).toContain('text/event-stream');
    const text = await done.text();
    expect(text).toContain('event: token');
    expect(text).toContain('event: done');

    simulator.reset();
    const slow = await call(
      '/api/runs',
      json({
        definition,
        input: { question: 'Hi [[sim {"timing":{"tokenDelayMs":300}}]]' },
        target: 'simulator',
      }),
    );
    const runId = slow.headers.get('x-catalyst-run');
    const reader = slow.body?.getReader();
    let received = '';
    while (!received.includes('event: token')) {
      const chunk = await reader?.read();
      if (!chunk || chunk.done) break;
      received += new TextDecoder().decode(chunk.value);
    }
    expect((await call(`/api/runs/${runId}/abort`, json({}))).status).toBe(200);
    await expect
      .poll(() => simulator.requests().map((request) => request.clientClosedEarly))
      .toEqual([true]);
    expect((await call(`/api/runs/${runId}/abort`, json({}))).status).toBe(404);
  });

  it('refuses to run or export an invalid workflow, with the problems', async () => {
    const definition = JSON.parse(readFileSync(example, 'utf8'));
    definition.nodes[1].config.prompt = '{{ nodes.nope.text }}';
    const run = await call('/api/runs', json({ definition, input: {}, target: 'simulator' }));
    expect(run.status).toBe(422);
    const body = (await run.json()) as { error: { kind: string; problems: { text: string }[] } };
    expect(body.error.kind).toBe('validation');
    expect(body.error.problems[0]?.text).toContain('unknown node "nope"');
    expect((await call('/api/export', json({ name: 'chat.json', definition }))).status).toBe(422);
  });

  it('exports the Python project as a zip and shows app/workflow.py', async () => {
    const definition = JSON.parse(readFileSync(example, 'utf8'));
    const response = await call('/api/export', json({ name: 'chat.json', definition }));
    expect(response.headers.get('content-type')).toBe('application/zip');
    const files = unzipSync(new Uint8Array(await response.arrayBuffer()));
    expect(Object.keys(files)).toContain('chat/app/workflow.py');
    const preview = (await (
      await call('/api/preview', json({ name: 'chat.json', definition }))
    ).json()) as { text: string };
    expect(preview.text).toBe(new TextDecoder().decode(files['chat/app/workflow.py']));
  });

  it('mounts under a prefix beside another app', async () => {
    const mounted = mountStudio({
      prefix: '/studio',
      studio: createStudioApp({ directory, environment: {}, basePath: '/studio' }),
      app: {
        fetch: () => new Response('api'),
        close: async () => {},
        drain: async () => {},
        inFlight: () => 0,
      },
    });
    const files = await mounted.fetch(new Request('http://localhost/studio/api/files'));
    expect(((await files.json()) as { files: string[] }).files).toEqual(['chat.json']);
    expect(await (await mounted.fetch(new Request('http://localhost/health'))).text()).toBe('api');
    const bare = await mounted.fetch(new Request('http://localhost/studio'));
    expect(bare.status).toBe(302);
    expect(bare.headers.get('location')).toBe('/studio/');
    await mounted.close();
  });
});

describe('the studio refuses what a hostile web page could send it', () => {
  it('refuses a change without application/json: no "simple" cross-origin request gets through', async () => {
    const response = await call('/api/runs', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ name: 'chat.json', definition: {}, input: {}, target: 'simulator' }),
    });
    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({ error: { kind: 'unsupported_media_type' } });
    const save = await call('/api/files/chat.json', { method: 'PUT', body: '{"definition":{}}' });
    expect(save.status).toBe(415);
  });

  it('answers only to loopback host names, so DNS rebinding cannot reach it', async () => {
    const rebound = await studio.fetch(
      new Request('http://attacker.example/api/files', { headers: { host: 'attacker.example' } }),
    );
    expect(rebound.status).toBe(403);
    expect(await rebound.text()).toContain('loopback host name');
    for (const host of ['localhost:4000', '127.0.0.1:4000', '[::1]:4000']) {
      const response = await studio.fetch(
        new Request(`http://${host}/api/files`, { headers: { host } }),
      );
      expect(response.status, host).toBe(200);
    }
  });
});
