import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JsonValue, WorkflowDefinition, WorkflowDoneEvent } from '@catalyst/spec';
import { errorKindOf } from './error-response.js';
import {
  type EventStreamSource,
  eventStreamHeaders,
  writeEventStream,
} from './event-stream-response.js';
import { isJsonContentType, parseJsonBody } from './read-json-body.js';
import type { RequestLogRecord } from './request-log.js';
import {
  acceptedRequestId,
  addAnswerHeaders,
  newRequestState,
  type RequestState,
} from './request-state.js';
import { RUN_ID_HEADER } from './run-event-id.js';
import type { ServerLimits } from './server-limits.js';

/** What the direct routes share with the app: its checks, its runs and its access log. */
export interface DirectRoutesOptions {
  workflows: ReadonlyMap<string, WorkflowDefinition>;
  limits: ServerLimits;
  /** Whether an `Authorization` header holds an accepted key; absent: no authentication. */
  checkApiKey?: ((authorization: string | null) => boolean) | undefined;
  corsOrigins: ReadonlySet<string>;
  /** True once the server drains: every request then goes the common way (503). */
  stopping: () => boolean;
  now: () => number;
  createRequestId: () => string;
  /** The 422 for an input that does not match the workflow's input schema, if it does not. */
  checkInput: (workflow: WorkflowDefinition, input: JsonValue) => Response | undefined;
  /** `/run`'s run: its result, or the error answer. */
  runForResult: (
    workflow: WorkflowDefinition,
    input: JsonValue,
    signal: AbortSignal,
    state: RequestState,
  ) => Promise<{ result: Omit<WorkflowDoneEvent, 'type'> } | Response>;
  /** `/stream`'s run, started; what its event stream sends. */
  startStream: (
    workflow: WorkflowDefinition,
    input: JsonValue,
    state: RequestState,
    closeConnection: boolean,
  ) => EventStreamSource;
  /** Writes the access log line of a request that started at `startedAt`. */
  log: (record: Omit<RequestLogRecord, 'time' | 'level' | 'durationMs'>, startedAt: number) => void;
  /** The answer to an unexpected error (the app's own `onError`: logged, then a 500). */
  failed: (error: unknown) => Response;
}

/**
 * `POST /workflows/{id}/run` and `/stream` as busy services call them, answered on Node's
 * request and response without the server adapter's web `Request`, Hono's router and a
 * `Response` per request. A request is taken only when nothing about it needs more than these
 * two routes do: a plain workflow id, a JSON body with a `Content-Length` within the limit, no
 * repeated header, an accepted key when keys are set, not draining, no `Last-Event-ID`. Every
 * other request — including each one the common checks would refuse before reading the body —
 * goes the common way. What the direct routes answer is the same bytes with the same headers as
 * the common way: the same body checks (`parseJsonBody`), the same input check, the same run and
 * stream functions, the same request id, CORS headers and access log line. Like the Python
 * runtime's `server/direct_routes.py`.
 *
 * @returns A request listener part: true when it took the request, false to pass it on.
 */
export function createDirectRoutes(
  options: DirectRoutesOptions,
): (incoming: IncomingMessage, outgoing: ServerResponse) => boolean {
  const { workflows, limits, checkApiKey } = options;
  return (incoming, outgoing) => {
    if (incoming.method !== 'POST') return false;
    const url = incoming.url ?? '';
    // Ids without percent-escapes only: the path is then the id, with nothing to decode.
    const match = DIRECT_ROUTE.exec(url);
    if (match === null || url.length > limits.maxUrlBytes || options.stopping()) return false;
    const workflow = workflows.get(match[1] as string);
    if (workflow === undefined) return false;
    const headers = incoming.headers;
    // A repeated header: Node keeps the first of some (authorization, content-type), the web
    // `Headers` the common way builds joins them; that way decides.
    if (incoming.rawHeaders.length !== 2 * Object.keys(headers).length) return false;
    if (!isJsonContentType(headers['content-type'] ?? null)) return false;
    const length = headers['content-length'];
    if (length === undefined || headers['transfer-encoding'] !== undefined) return false;
    const declared = Number(length);
    if (!Number.isInteger(declared) || declared > limits.maxBodyBytes) return false;
    const streamed = match[2] === 'stream';
    if (streamed && headers['last-event-id'] !== undefined) return false;
    if (checkApiKey !== undefined && !checkApiKey(headers.authorization ?? null)) return false;
    void answer(workflow, streamed, incoming, outgoing);
    return true;
  };

  async function answer(
    workflow: WorkflowDefinition,
    streamed: boolean,
    incoming: IncomingMessage,
    outgoing: ServerResponse,
  ): Promise<void> {
    const startedAt = options.now();
    const headers = incoming.headers;
    const requestId =
      acceptedRequestId(headerOf(headers['x-request-id'])) ?? options.createRequestId();
    const origin = headerOf(headers.origin);
    const cors =
      origin !== null && (options.corsOrigins.has(origin) || options.corsOrigins.has('*'))
        ? origin
        : null;
    const state = newRequestState({
      traceparent: headerOf(headers.traceparent),
      tracestate: headerOf(headers.tracestate),
    });
    const record = (status: number, errorKind: string | null) => ({
      requestId,
      method: 'POST',
      path: incoming.url ?? '',
      workflow: state.workflow,
      status,
      timeToFirstTokenMs: state.firstTokenAt,
      tokens: state.tokens,
      costUsd: state.costUsd,
      errorKind: state.errorKind ?? errorKind,
    });
    /** Sends an error answer (or any `Response`) with the headers every answer carries. */
    const sendResponse = async (response: Response) => {
      const kind = await errorKindOf(response);
      addAnswerHeaders(response.headers, { requestId, origin, corsOrigins: options.corsOrigins });
      const body = await response.text();
      if (!outgoing.headersSent && !outgoing.destroyed) {
        // As the server adapter writes a `Response` whose headers were changed: its headers in
        // `Headers` order, then the length (lower case, unlike a response it had cached).
        const fields: Record<string, string | number> = {};
        for (const [name, value] of response.headers) fields[name] = value;
        fields['content-length'] = Buffer.byteLength(body);
        outgoing.writeHead(response.status, fields);
        outgoing.end(body);
      }
      options.log(record(response.status, kind), startedAt);
    };
    try {
      const body = parseJsonBody(await readBody(incoming), limits);
      if (body instanceof Response) return await sendResponse(body);
      const problem = options.checkInput(workflow, body.input);
      if (problem !== undefined) return await sendResponse(problem);
      if (streamed) {
        const closeConnection = (headerOf(headers.connection) ?? '').toLowerCase() === 'close';
        const source = options.startStream(workflow, body.input, state, closeConnection);
        writeEventStream({
          source,
          outgoing,
          status: 200,
          headers: answerHeaders(eventStreamHeaders(source), requestId, cors),
          onEnd: () => options.log(record(200, null), startedAt),
        });
        return;
      }
      // The client going away stops the run, as the adapter's request signal does. (An event
      // stream watches its socket itself.)
      const disconnected = new AbortController();
      const leave = () => disconnected.abort('Client connection prematurely closed.');
      outgoing.once('close', () => {
        if (!outgoing.writableFinished) leave();
      });
      // Gone already while the body was checked: the close event has been and gone.
      if (incoming.socket?.destroyed) leave();
      const answered = await options.runForResult(workflow, body.input, disconnected.signal, state);
      if (answered instanceof Response) return await sendResponse(answered);
      const text = JSON.stringify(answered.result);
      if (!outgoing.destroyed) {
        const fields: Record<string, string | number> = {};
        for (const [name, value] of answerHeaders(JSON_HEADERS, requestId, cors)) {
          fields[name] = value;
        }
        fields['Content-Length'] = Buffer.byteLength(text);
        outgoing.writeHead(200, fields);
        outgoing.end(text);
      }
      options.log(record(200, null), startedAt);
    } catch (error) {
      await sendResponse(options.failed(error));
    }
  }
}

/** `/workflows/{id}/run` or `/stream` with a plain id (as workflow ids are) and no query. */
const DIRECT_ROUTE = /^\/workflows\/([A-Za-z0-9_.~-]+)\/(run|stream)$/;

/** The headers of `/run`'s JSON answer before the ones every answer carries. */
const JSON_HEADERS: Readonly<Record<string, string>> = { 'content-type': 'application/json' };

/**
 * `base` with the request id and (for an allowed origin) the CORS headers, in the order web
 * `Headers` give them (sorted by name), which is how the common way writes them.
 */
function answerHeaders(
  base: Readonly<Record<string, string>>,
  requestId: string,
  origin: string | null,
): [string, string][] {
  const fields: [string, string][] = Object.entries(base);
  fields.push(['x-request-id', requestId]);
  if (origin !== null) {
    fields.push(
      ['access-control-allow-origin', origin],
      ['access-control-expose-headers', `x-request-id, ${RUN_ID_HEADER}`],
      ['vary', 'Origin'],
    );
  }
  return fields.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** One header's value as the web `Headers` would give it (no repeats reach here). */
function headerOf(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return typeof value === 'string' ? value : value.join(', ');
}

/** The whole body (Node's parser stops at the declared length, which is within the limit). */
function readBody(incoming: IncomingMessage): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    incoming.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      total += chunk.length;
    });
    incoming.once('end', () => {
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total));
    });
    incoming.once('error', reject);
    incoming.once('close', () => {
      if (!incoming.complete) reject(new Error('the client closed the connection mid-request'));
    });
  });
}
