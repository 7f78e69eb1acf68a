import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonValue, WorkflowDefinition } from '@catalyst/spec';

/** One HTTP exchange the two runtimes must answer identically (see conformance/README.md). */
export interface ConformanceVector {
  description: string;
  workflow: string | WorkflowDefinition;
  scenario?: JsonValue;
  request: {
    endpoint: 'run' | 'stream';
    input?: JsonValue;
    /** Sent as is instead of the JSON of `input`. */
    body?: string;
    /** URL id, when it differs from the workflow's (unknown-workflow vectors). */
    workflowId?: string;
  };
  expected: {
    status: number;
    json?: JsonValue;
    events?: Array<[string, JsonValue]>;
  };
  ordering?: 'exact' | 'per-node';
}

/** The repository root, from this file's location. */
export const REPOSITORY_ROOT = join(import.meta.dirname, '..', '..', '..', '..');

/** All workflow vectors, by file name. */
export function loadConformanceVectors(): Array<{
  file: string;
  path: string;
  vector: ConformanceVector;
}> {
  const directory = join(REPOSITORY_ROOT, 'conformance', 'workflows');
  return readdirSync(directory)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const path = join(directory, file);
      return { file, path, vector: JSON.parse(readFileSync(path, 'utf8')) as ConformanceVector };
    });
}

/** The conformance environment with the simulator's URL filled in. */
export function conformanceEnvironment(simulatorUrl: string): Record<string, string> {
  const raw = JSON.parse(
    readFileSync(join(REPOSITORY_ROOT, 'conformance', 'environment.json'), 'utf8'),
  ) as Record<string, string>;
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (!name.startsWith('/')) environment[name] = value.replaceAll('{SIMULATOR}', simulatorUrl);
  }
  return environment;
}

/** Parses an event-stream body into `[name, data]` pairs, ignoring comments. */
export function parseEventStream(text: string): Array<[string, JsonValue]> {
  const events: Array<[string, JsonValue]> = [];
  for (const block of text.split('\n\n')) {
    if (block === '' || block.startsWith(':')) continue;
    const match = /^event: ([^\n]+)\ndata: ([^\n]*)$/.exec(block);
    if (!match) throw new Error(`not one event per frame: ${JSON.stringify(block)}`);
    events.push([match[1] ?? '', JSON.parse(match[2] ?? 'null') as JsonValue]);
  }
  return events;
}

/** Groups events by node for order-insensitive comparison of parallel branches. */
export function eventsByNode(
  events: Array<[string, JsonValue]>,
): Record<string, Array<[string, JsonValue]>> {
  const groups: Record<string, Array<[string, JsonValue]>> = {};
  for (const event of events) {
    const data = event[1];
    const node =
      data !== null &&
      typeof data === 'object' &&
      !Array.isArray(data) &&
      typeof data.node === 'string'
        ? data.node
        : '(run)';
    const group = groups[node] ?? [];
    group.push(event);
    groups[node] = group;
  }
  return groups;
}
