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
    endpoint?: 'run' | 'stream' | 'ui';
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
    /**
     * A resume: the harness first sends the request and reads its stream to the end, then sends
     * it again with `Last-Event-ID: RUN:resumeAfter` (RUN from the first answer's
     * `X-Catalyst-Run-Id`); `expected` is about that second answer.
     */
    resumeAfter?: number;
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

/** The body a vector's request sends: its literal `body`, else the JSON of its `input` (`{}`). */
export function vectorRequestBody(request: ConformanceVector['request']): string {
  return request.body !== undefined
    ? vectorText(request.body)
    : JSON.stringify(request.input ?? {});
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

/** One frame of an event stream: its `id:` (absent when it had none), name and data. */
export interface EventFrame {
  id: string | undefined;
  name: string;
  data: JsonValue;
}

/**
 * Parses an event-stream body into frames, ignoring comments. Each frame must be exactly
 * `[id: ID\n]event: NAME\ndata: JSON` (the bytes both runtimes send).
 */
export function parseEventFrames(text: string): EventFrame[] {
  const frames: EventFrame[] = [];
  for (const block of text.split('\n\n')) {
    if (block === '' || block.startsWith(':')) continue;
    const match = /^(?:id: ([^\n]+)\n)?event: ([^\n]+)\ndata: ([^\n]*)$/.exec(block);
    if (!match) throw new Error(`not one event per frame: ${JSON.stringify(block)}`);
    frames.push({
      id: match[1],
      name: match[2] ?? '',
      data: JSON.parse(match[3] ?? 'null') as JsonValue,
    });
  }
  return frames;
}

/**
 * Parses an AI SDK UI message stream (`data: JSON` frames, then `data: [DONE]`) into
 * `["data", chunk]` pairs, the last one `["data", "[DONE]"]`.
 */
export function parseDataStream(text: string): Array<[string, JsonValue]> {
  const events: Array<[string, JsonValue]> = [];
  for (const block of text.split('\n\n')) {
    if (block === '' || block.startsWith(':')) continue;
    const match = /^data: ([^\n]*)$/.exec(block);
    if (!match) throw new Error(`not one data line per frame: ${JSON.stringify(block)}`);
    const data = match[1] ?? '';
    events.push(['data', data === '[DONE]' ? data : (JSON.parse(data) as JsonValue)]);
  }
  return events;
}

/** Parses an event-stream body into `[name, data]` pairs, ignoring comments and ids. */
export function parseEventStream(text: string): Array<[string, JsonValue]> {
  return parseEventFrames(text).map((frame) => [frame.name, frame.data]);
}

/** What every run id looks like: a random (version 4) UUID in lower case. */
export const RUN_ID_PATTERN =
  /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * The ids a stream must carry: `RUN:SEQ`, RUN the response's `X-Catalyst-Run-Id`, SEQ counting
 * up by one from `first` (1, or one past the `Last-Event-ID` the request resumed after). Run ids
 * are random, so vectors hold no ids: the harness checks them by this rule.
 */
export function expectedEventIds(runId: string, count: number, first: number): string[] {
  return Array.from({ length: count }, (_, index) => `${runId}:${first + index}`);
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
