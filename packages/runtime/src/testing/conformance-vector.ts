import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonValue, WorkflowDefinition } from '@catalyst/spec';

/** One HTTP exchange the two runtimes must answer identically (see conformance/README.md). */
export interface ConformanceVector {
  description: string;
  workflow: string | WorkflowDefinition;
  scenario?: JsonValue;
  /** Extra server environment (`CATALYST_API_KEYS`, `CATALYST_CORS_ORIGINS` …) for this vector. */
  environment?: Record<string, string>;
  request: {
    endpoint?: 'run' | 'stream';
    /** HTTP method; default POST. */
    method?: string;
    /** Request target instead of `/workflows/{id}/{endpoint}`. */
    path?: VectorText;
    /**
     * Request headers; default `{"content-type": "application/json"}`. Given headers replace
     * the default; a null value leaves a header out.
     */
    headers?: Record<string, string | null>;
    input?: JsonValue;
    /** Sent as is instead of the JSON of `input`. */
    body?: VectorText;
    /** URL id, when it differs from the workflow's (unknown-workflow vectors). */
    workflowId?: string;
  };
  expected: {
    status: number;
    /** Response headers that must be present with exactly these values (names in lower case). */
    headers?: Record<string, string>;
    json?: JsonValue;
    /** The exact body, for answers without one (HEAD, 204): `""`. */
    body?: string;
    events?: Array<[string, JsonValue]>;
  };
  ordering?: 'exact' | 'per-node';
}

/**
 * Text in a vector: a string, or pieces joined, a piece being a string or `{repeat, times}` —
 * so a 1 MiB body or a 10,000-deep one is a line of JSON, not a megabyte.
 */
export type VectorText = string | { concat: Array<string | { repeat: string; times: number }> };

/** The text a VectorText stands for. */
export function vectorText(text: VectorText): string {
  if (typeof text === 'string') return text;
  return text.concat
    .map((piece) => (typeof piece === 'string' ? piece : piece.repeat.repeat(piece.times)))
    .join('');
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
