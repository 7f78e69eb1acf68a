import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { CatalystApp } from './create-catalyst-app.js';

/** A running Node HTTP server. */
export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Serves a `fetch`-style app on Node. The adapter aborts each request's signal when its client
 * disconnects, which cancels the run and every provider call in it.
 */
export function serveNode(
  app: CatalystApp,
  options: { port: number; host: string },
): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = serve(
      { fetch: app.fetch, port: options.port, hostname: options.host },
      (info: AddressInfo) => {
        const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
        resolve({
          url: `http://${host}:${info.port}`,
          port: info.port,
          close: () =>
            new Promise<void>((done) => {
              server.close(() => done());
              // Open event streams would keep close() waiting for ever.
              if ('closeAllConnections' in server) server.closeAllConnections();
            }),
        });
      },
    );
    server.on('connection', (socket) => socket.setNoDelay(true));
    server.once('error', reject);
  });
}
