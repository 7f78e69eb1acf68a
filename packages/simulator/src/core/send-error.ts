import type { ServerResponse } from 'node:http';
import type { Fault, ProtocolModule, SimErrorKind, SimRequest } from '../types.js';
import type { ResponseTracker } from './response-tracker.js';

/** Answers an unknown path with the first protocol's 404 that claims it, else OpenAI's. */
export function sendNotFound(options: {
  protocols: ProtocolModule[];
  method: string;
  pathname: string;
  response: ServerResponse;
}): void {
  const { protocols, method, pathname, response } = options;
  for (const module of protocols) {
    const answer = module.notFound?.(method, pathname);
    if (answer) {
      response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      response.end(JSON.stringify(answer.body));
      return;
    }
  }
  // OpenAI's own answer for an unknown URL; the most common client shape.
  response.writeHead(404, { 'content-type': 'application/json' });
  response.end(
    JSON.stringify({
      error: {
        message: `Invalid URL (${method} ${pathname})`,
        type: 'invalid_request_error',
        param: null,
        code: null,
      },
    }),
  );
}

/** Writes the protocol's HTTP error for a fault. */
export function sendHttpError(
  module: ProtocolModule,
  simRequest: SimRequest,
  fault: Extract<Fault, { type: 'http' }>,
  tracker: ResponseTracker,
): void {
  const rendered = module.errorResponse(simRequest, fault);
  if (tracker.closed) return;
  tracker.response.writeHead(fault.status ?? rendered.status, {
    'content-type': 'application/json',
    ...rendered.headers,
  });
  tracker.end(JSON.stringify(rendered.body));
}

/** An HTTP fault of a kind, with an optional message. */
export function httpFault(kind: SimErrorKind, message?: string): Extract<Fault, { type: 'http' }> {
  return { type: 'http', kind, ...(message !== undefined ? { message } : {}) };
}
