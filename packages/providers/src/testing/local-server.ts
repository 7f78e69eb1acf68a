import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as a local server saw it: header names in lower case, the body as text. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * Headers fetch adds to every request on its own (a browser's defaults, compression) and the
 * connection's own: a client under test does not choose them, so a comparison of two clients'
 * requests leaves them out.
 */
export const FETCH_OWN_HEADERS: readonly string[] = [
  'accept',
  'accept-language',
  'sec-fetch-mode',
  'accept-encoding',
  'host',
  'connection',
];

/** A local server started by {@link startLocalServer}. */
export interface LocalServer {
  /** `http://127.0.0.1:<port>`, to give a provider as its base URL. */
  url: string;
  /** How many TCP connections it accepted: a reused connection is not counted again. */
  connections(): number;
  /** Every request it received, in order, each recorded before the handler ran. */
  seen: SeenRequest[];
  /** Ends open connections too, so a stream the test left hanging does not keep it alive. */
  close(): Promise<void>;
}

/**
 * A server on 127.0.0.1 for what the simulator does not script: each request is read to its end
 * and recorded, then `handle` answers it (or never does). For tests.
 *
 * @example
 * const local = await startLocalServer((response) => response.writeHead(502).end('Bad Gateway'));
 * try {
 *   await collectEvents(providerFor({ baseUrl: local.url }).stream(request));
 * } finally {
 *   await local.close();
 * }
 */
export async function startLocalServer(
  handle: (response: ServerResponse, request: SeenRequest) => void,
): Promise<LocalServer> {
  let connections = 0;
  const seen: SeenRequest[] = [];
  const server = createServer((incoming, response) => {
    let body = '';
    incoming.setEncoding('utf8');
    incoming.on('data', (text: string) => {
      body += text;
    });
    incoming.on('end', () => {
      const headers: Record<string, string> = {};
      for (let index = 0; index < incoming.rawHeaders.length; index += 2) {
        headers[(incoming.rawHeaders[index] ?? '').toLowerCase()] =
          incoming.rawHeaders[index + 1] ?? '';
      }
      const request = { method: incoming.method ?? '', url: incoming.url ?? '', headers, body };
      seen.push(request);
      handle(response, request);
    });
  });
  server.on('connection', () => {
    connections += 1;
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => connections,
    seen,
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/**
 * Runs `use` against a {@link startLocalServer} answering with `handle`, and closes the server
 * however `use` ends.
 *
 * @example
 * const events = await withLocalServer(answerWith(body), (local) => collectEvents(stream(local.url)));
 */
export async function withLocalServer<Result>(
  handle: (response: ServerResponse, request: SeenRequest) => void,
  use: (local: LocalServer) => Promise<Result>,
): Promise<Result> {
  const local = await startLocalServer(handle);
  try {
    return await use(local);
  } finally {
    await local.close();
  }
}
