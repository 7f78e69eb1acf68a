import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createProviderRegistry } from '@catalyst/providers';
import { parseScenario, type RunningSimulator, startSimulator } from '@catalyst/simulator';
import type { JsonValue, WorkflowDefinition } from '@catalyst/spec';
import { loadWorkflowFile, validateWorkflow } from '@catalyst/workflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCatalystApp } from './server/create-catalyst-app.js';
import { readServerConfig } from './server/server-config.js';
import {
  conformanceEnvironment,
  eventsByNode,
  expectedEventIds,
  loadConformanceVectors,
  parseDataStream,
  parseEventFrames,
  REPOSITORY_ROOT,
  RUN_ID_PATTERN,
  vectorRequestBody,
  vectorText,
} from './testing/conformance-vector.js';

// Runs conformance/workflows/*.json against the TypeScript runtime. The generated Python
// services run the same files; CONFORMANCE_RECORD=1 rewrites the expectations (review them!).

const recording = process.env.CONFORMANCE_RECORD === '1';
let simulator: RunningSimulator;

beforeAll(async () => {
  simulator = await startSimulator({ port: 0 });
});
afterAll(async () => {
  await simulator.close();
});

async function workflowOf(reference: string | WorkflowDefinition): Promise<WorkflowDefinition> {
  if (typeof reference !== 'string') return reference;
  const loaded = await loadWorkflowFile(join(REPOSITORY_ROOT, reference));
  const errors = validateWorkflow(loaded).filter((problem) => problem.severity === 'error');
  if (errors.length > 0) throw new Error(`${reference} is invalid: ${JSON.stringify(errors)}`);
  return loaded.definition;
}

describe('conformance vectors (TypeScript runtime)', () => {
  for (const { file, path, vector } of loadConformanceVectors()) {
    it(`${file}: ${vector.description}`, async () => {
      const workflow = await workflowOf(vector.workflow);
      simulator.reset();
      simulator.setScenario(parseScenario(vector.scenario ?? { rules: [] }));
      const environment = { ...conformanceEnvironment(simulator.url), ...vector.environment };
      const config = readServerConfig(environment);
      const app = createCatalystApp({
        workflows: [workflow],
        environment,
        limits: config.limits,
        apiKeys: config.apiKeys,
        corsOrigins: config.corsOrigins,
        streamRetentionMs: config.streamRetentionMs,
        streamReconnectMs: config.streamReconnectMs,
        providers: createProviderRegistry({ environment }),
      });
      const id = vector.request.workflowId ?? workflow.id;
      const method = vector.request.method ?? 'POST';
      const target =
        vector.request.path !== undefined
          ? vectorText(vector.request.path)
          : `/workflows/${id}/${vector.request.endpoint ?? 'run'}`;
      const headers = new Headers();
      for (const [name, value] of Object.entries(
        vector.request.headers ?? { 'content-type': 'application/json' },
      )) {
        if (value !== null) headers.set(name, value);
      }
      const hasBody = method !== 'GET' && method !== 'HEAD';
      const send = () =>
        app.fetch(
          new Request(`http://catalyst.test${target.replaceAll('{RUN_ID}', runIdOfFirst)}`, {
            method,
            headers,
            ...(hasBody && {
              body: vectorRequestBody(vector.request),
            }),
          }),
        );
      let runIdOfFirst = '';
      if (vector.request.resumeAfter !== undefined) {
        const first = await send();
        await first.text();
        runIdOfFirst = first.headers.get('x-catalyst-run-id') ?? '';
        headers.set('last-event-id', `${runIdOfFirst}:${vector.request.resumeAfter}`);
      }
      const response = await send();
      const text = await response.text();
      const isStream = (response.headers.get('content-type') ?? '').startsWith('text/event-stream');
      const actual: typeof vector.expected = { status: response.status };
      if (vector.expected.headers !== undefined) {
        actual.headers = {};
        for (const name of Object.keys(vector.expected.headers)) {
          const value = response.headers.get(name);
          if (value !== null) actual.headers[name] = value;
        }
      }
      if (isStream && response.headers.get('x-vercel-ai-ui-message-stream') === 'v1') {
        actual.events = parseDataStream(text);
      } else if (isStream) {
        const frames = parseEventFrames(text);
        actual.events = frames.map((frame) => [frame.name, frame.data]);
        // Ids are random per run: checked by rule (RUN:SEQ, consecutive), not stored in vectors.
        const runId = response.headers.get('x-catalyst-run-id') ?? '';
        const resumed = /^(.*):(\d+)$/.exec(headers.get('last-event-id') ?? '');
        if (!recording) {
          if (resumed === null) expect(runId).toMatch(RUN_ID_PATTERN);
          else expect(runId).toBe(resumed[1]);
          expect(frames.map((frame) => frame.id)).toEqual(
            expectedEventIds(runId, frames.length, resumed === null ? 1 : Number(resumed[2]) + 1),
          );
        }
      } else if (text === '') actual.body = '';
      else actual.json = JSON.parse(text) as JsonValue;

      if (recording) {
        writeFileSync(path, `${JSON.stringify({ ...vector, expected: actual }, null, 2)}\n`);
        return;
      }
      expect(actual.status).toBe(vector.expected.status);
      if (vector.expected.headers !== undefined) {
        expect(actual.headers).toEqual(vector.expected.headers);
      }
      if (actual.body !== undefined) expect(actual.body).toBe(vector.expected.body);
      if (actual.json !== undefined) expect(actual.json).toEqual(vector.expected.json);
      if (actual.events !== undefined) {
        if (vector.ordering === 'per-node') {
          expect(eventsByNode(actual.events)).toEqual(eventsByNode(vector.expected.events ?? []));
          expect(actual.events.at(-1)).toEqual(vector.expected.events?.at(-1));
        } else {
          expect(actual.events).toEqual(vector.expected.events);
        }
      }
    });
  }
});
