import type { IncomingMessage } from 'node:http';
import type { LoggedRequest } from './logged-request.js';
import { redactHeaders, redactQuery } from './redact-headers.js';
import { modelFromBody, streamFromBody } from './request-body-fields.js';
import type { ResponseTracker } from './response-tracker.js';
import type { SimulatorState } from './simulator-state.js';

/** Appends a log entry for a request as it arrives (credentials redacted). */
export function createLogEntry(options: {
  state: SimulatorState;
  request: IncomingMessage;
  pathname: string;
  query: URLSearchParams;
  body: unknown;
}): LoggedRequest {
  const entry: LoggedRequest = {
    id: options.state.nextId++,
    method: options.request.method ?? 'GET',
    path: options.pathname,
    query: redactQuery(options.query),
    provider: null,
    operation: null,
    model: modelFromBody(options.body) ?? null,
    stream: streamFromBody(options.body),
    body: options.body ?? null,
    headers: redactHeaders(options.request.headers),
    status: null,
    rule: null,
    fault: null,
    finished: false,
    clientClosedEarly: false,
    startedAt: Date.now(),
    firstByteMs: null,
    durationMs: null,
  };
  options.state.log.push(entry);
  return entry;
}

/** Keeps a log entry current until its connection closes (status, abort, timing). */
export function trackEntry(
  state: SimulatorState,
  entry: LoggedRequest,
  tracker: ResponseTracker,
): void {
  const refresh = (): void => {
    const { response } = tracker;
    entry.status = response.headersSent ? response.statusCode : null;
    entry.firstByteMs = tracker.firstByteAt === null ? null : tracker.firstByteAt - entry.startedAt;
    entry.clientClosedEarly = tracker.clientClosedEarly;
  };
  state.liveEntries.set(entry, refresh);
  const finish = (): void => {
    if (entry.finished) return;
    refresh();
    entry.finished = true;
    entry.durationMs = Date.now() - entry.startedAt;
    state.liveEntries.delete(entry);
  };
  void tracker.whenClosed.then(finish);
}
