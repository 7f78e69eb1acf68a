import { createServer, type IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
// Created when this module loads, before `serve` swaps the global Response for its own: a real
// Response, which is what the adapter recognises as "already sent".
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { CatalystApp } from './create-catalyst-app.js';

/** A running Node HTTP server. */
export interface RunningServer {
  url: string;
  port: number;
  /**
   * Stops listening. By default open connections are cut at once; `graceful` lets responses
   * being written finish (idle keep-alive sockets close now, the rest within a second).
   */
  close(options?: { graceful?: boolean }): Promise<void>;
}

/**
 * Largest request line plus headers. Above Node's 16 KiB default so that a long URL reaches the
 * app and gets its JSON 414 instead of a bare 431 and a reset.
 */
const MAX_HEADER_BYTES = 256 * 1024;

/**
 * Serves a `fetch`-style app on Node; an app with direct routes (`handleNode`) answers those on
 * Node's request and response itself. The adapter aborts each request's signal when its client
 * disconnects, which cancels the run and every provider call in it.
 */
export function serveNode(
  app: Pick<CatalystApp, 'fetch'> & Partial<Pick<CatalystApp, 'handleNode'>>,
  options: { port: number; host: string },
): Promise<RunningServer> {
  const handleNode = app.handleNode;
  return new Promise((resolve, reject) => {
    // Node's response goes to the app so that event streams are written to it directly.
    const adapter = getRequestListener(
      (request: Request, env: { outgoing?: unknown }) =>
        env.outgoing instanceof ServerResponse
          ? app.fetch(request, { outgoing: env.outgoing, alreadySent: RESPONSE_ALREADY_SENT })
          : app.fetch(request),
      { hostname: options.host },
    );
    // The app's direct routes see each request first; the adapter gets the rest.
    const listener =
      handleNode === undefined
        ? adapter
        : (incoming: IncomingMessage, outgoing: ServerResponse) => {
            if (!handleNode(incoming, outgoing)) void adapter(incoming, outgoing);
          };
    const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, listener);
    server.listen(options.port, options.host, () => {
      const info = server.address() as AddressInfo;
      const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${host}:${info.port}`,
        port: info.port,
        close: (closeOptions = {}) =>
          new Promise<void>((done) => {
            server.close(() => done());
            if (!closeOptions.graceful) {
              // Open event streams would keep close() waiting for ever.
              server.closeAllConnections();
              return;
            }
            server.closeIdleConnections();
            setTimeout(() => server.closeAllConnections(), 1000).unref();
          }),
      });
    });
    server.on('connection', (socket) => socket.setNoDelay(true));
    // Headers beyond MAX_HEADER_BYTES: a JSON answer, as for every other refusal, not a reset.
    server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
      if (!socket.writable) return;
      const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
      const body = JSON.stringify({
        error: tooLarge
          ? {
              kind: 'headers_too_large',
              message: `the request line and headers exceed ${MAX_HEADER_BYTES} bytes`,
            }
          : { kind: 'bad_request', message: 'the request is not valid HTTP' },
      });
      socket.end(
        `HTTP/1.1 ${tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      );
    });
    server.once('error', reject);
  });
}
