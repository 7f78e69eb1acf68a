import { connect } from 'node:net';
import { createProviderRegistry } from '@catalyst/providers';
import { type RunningSimulator, startSimulator } from '@catalyst/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conformanceEnvironment } from '../testing/conformance-vector.js';
import { questionWorkflow } from '../testing/question-workflow.js';
import { type CatalystApp, createCatalystApp } from './create-catalyst-app.js';
import type { RequestLogRecord } from './request-log.js';
import { type RunningServer, serveNode } from './serve-node.js';

// The direct routes answer `/run` and `/stream` on Node's request and response. Each request
// here goes to two servers over the same kind of app: one with the direct routes, one without
// (everything through the adapter and Hono). The raw answers must be the same bytes, and the
// access log lines the same records.

const chat = questionWorkflow();

const ALLOWED_ORIGIN = 'http://allowed.example';

interface ServerPair {
  direct: RunningServer;
  common: RunningServer;
  /** Whether the direct routes took each request the direct server saw. */
  taken: boolean[];
  logs: { direct: RequestLogRecord[]; common: RequestLogRecord[] };
}

let simulator: RunningSimulator;
const open: ServerPair[] = [];

/** Two servers over the same app configuration, one with the direct routes and one without. */
async function startPair(apiKeys?: string[]): Promise<ServerPair> {
  const logs = { direct: [] as RequestLogRecord[], common: [] as RequestLogRecord[] };
  const makeApp = (records: RequestLogRecord[]): CatalystApp => {
    let runs = 0;
    return createCatalystApp({
      workflows: [chat],
      providers: createProviderRegistry({ environment: conformanceEnvironment(simulator.url) }),
      environment: {},
      streamReconnectMs: 0,
      corsOrigins: [ALLOWED_ORIGIN],
      ...(apiKeys !== undefined && { apiKeys }),
      createRequestId: () => 'generated-request-id',
      createRunId: () => {
        runs += 1;
        return `run${runs}`;
      },
      now: () => 0,
      logger: {
        level: 'info',
        request: (record) => {
          records.push(record);
        },
        message: () => {},
      },
    });
  };
  const directApp = makeApp(logs.direct);
  const taken: boolean[] = [];
  const handleNode = directApp.handleNode;
  if (handleNode === undefined) throw new Error('the app has no direct routes');
  const direct = await serveNode(
    {
      fetch: directApp.fetch,
      handleNode: (incoming, outgoing) => {
        const took = handleNode(incoming, outgoing);
        taken.push(took);
        return took;
      },
    },
    { port: 0, host: '127.0.0.1' },
  );
  const commonApp = makeApp(logs.common);
  const common = await serveNode({ fetch: commonApp.fetch }, { port: 0, host: '127.0.0.1' });
  const pair = { direct, common, taken, logs };
  open.push(pair);
  return pair;
}

beforeAll(async () => {
  simulator = await startSimulator({ port: 0 });
});
afterAll(async () => {
  for (const pair of open) {
    await pair.direct.close();
    await pair.common.close();
  }
  await simulator.close();
});

/**
 * Sends raw request bytes and returns the raw answer once it is complete, with the Date header
 * blanked and a chunked body decoded (chunk boundaries depend on timing, not on the server).
 */
function exchange(server: RunningServer, request: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1');
    let received = Buffer.alloc(0);
    const finish = () => {
      socket.destroy();
      resolve(normalise(received.toString('latin1')));
    };
    socket.on('data', (data) => {
      received = Buffer.concat([received, data]);
      if (complete(received.toString('latin1'))) finish();
    });
    socket.on('end', finish);
    socket.on('error', reject);
    socket.write(request);
  });
}

function complete(text: string): boolean {
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return false;
  const head = text.slice(0, end);
  const body = text.slice(end + 4);
  if (/transfer-encoding: chunked/i.test(head)) return body.endsWith('0\r\n\r\n');
  const length = /content-length: (\d+)/i.exec(head);
  return length === null || body.length >= Number(length[1]);
}

function normalise(text: string): string {
  const end = text.indexOf('\r\n\r\n');
  const head = text.slice(0, end).replace(/\r\nDate: [^\r]*/, '\r\nDate: (now)');
  let body = text.slice(end + 4);
  if (/transfer-encoding: chunked/i.test(head)) {
    let decoded = '';
    while (body.length > 0) {
      const lineEnd = body.indexOf('\r\n');
      const size = Number.parseInt(body.slice(0, lineEnd), 16);
      if (size === 0) break;
      decoded += body.slice(lineEnd + 2, lineEnd + 2 + size);
      body = body.slice(lineEnd + 4 + size);
    }
    body = decoded;
  }
  return `${head}\r\n\r\n${body}`;
}

/** A request's bytes: `POST` with a JSON body unless `head` says otherwise. */
function raw(options: {
  method?: string;
  path: string;
  headers?: string[];
  body?: string | Buffer | null;
}): Buffer {
  const body = options.body === undefined ? '{"question":"Hello there"}' : options.body;
  const lines = [
    `${options.method ?? 'POST'} ${options.path} HTTP/1.1`,
    'Host: 127.0.0.1',
    ...(options.headers ?? ['Content-Type: application/json']),
  ];
  if (body !== null) lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`), Buffer.from(body ?? '')]);
}

/** Sends one request to both servers; asserts the same bytes and whether the direct routes took it. */
async function same(pair: ServerPair, request: Buffer, takenDirectly: boolean): Promise<string> {
  const before = pair.taken.length;
  const fromDirect = await exchange(pair.direct, request);
  const fromCommon = await exchange(pair.common, request);
  expect(fromDirect).toBe(fromCommon);
  expect(pair.taken.slice(before)).toEqual([takenDirectly]);
  return fromDirect;
}

const JSON_TYPE = 'Content-Type: application/json';

describe('the direct routes (keyless server)', () => {
  let pair: ServerPair;
  beforeAll(async () => {
    pair = await startPair();
  });

  it('answers /run and /stream with the same bytes and headers as the common way', async () => {
    const run = await same(pair, raw({ path: '/workflows/chat/run' }), true);
    expect(run).toMatch(/^HTTP\/1.1 200 OK\r\n/);
    expect(run).toContain('x-request-id: generated-request-id');
    expect(run).toContain('"output":{"answer":');
    const stream = await same(
      pair,
      raw({ path: '/workflows/chat/stream', headers: [JSON_TYPE, 'X-Request-Id: mine-1'] }),
      true,
    );
    expect(stream).toContain('content-type: text/event-stream; charset=utf-8');
    expect(stream).toContain('x-catalyst-run-id: run1');
    expect(stream).toContain('x-request-id: mine-1');
    expect(stream).toContain('event: token');
    expect(stream).toMatch(/event: done\ndata: .*\n\n$/);
    // Connection: close is echoed by the event stream, and Node closes after /run.
    await same(
      pair,
      raw({ path: '/workflows/chat/stream', headers: [JSON_TYPE, 'Connection: close'] }),
      true,
    );
    await same(
      pair,
      raw({ path: '/workflows/chat/run', headers: [JSON_TYPE, 'Connection: close'] }),
      true,
    );
  });

  it('adds the CORS headers for an allowed origin only, as the common way does', async () => {
    for (const path of ['/workflows/chat/run', '/workflows/chat/stream']) {
      const allowed = await same(
        pair,
        raw({ path, headers: [JSON_TYPE, `Origin: ${ALLOWED_ORIGIN}`] }),
        true,
      );
      expect(allowed).toContain(`access-control-allow-origin: ${ALLOWED_ORIGIN}`);
      expect(allowed).toContain('vary: Origin');
      const other = await same(
        pair,
        raw({ path, headers: [JSON_TYPE, 'Origin: http://other.example'] }),
        true,
      );
      expect(other).not.toContain('access-control-allow-origin');
    }
    // A preflight is the common way's.
    await same(
      pair,
      raw({
        method: 'OPTIONS',
        path: '/workflows/chat/run',
        headers: [`Origin: ${ALLOWED_ORIGIN}`, 'Access-Control-Request-Method: POST'],
        body: null,
      }),
      false,
    );
  });

  it('refuses a bad body or input with the same 4xx, read directly', async () => {
    const bodies: Array<[string | Buffer, number]> = [
      ['{"question":', 400],
      ['   ', 400],
      ['', 400],
      [`{"question":${'['.repeat(100)}${']'.repeat(100)}}`, 400],
      ['{"question":"\\ud800"}', 400],
      [Buffer.from([0x7b, 0xff, 0x7d]), 400],
      ['{"question":""}', 422],
      ['{"other":1}', 422],
    ];
    for (const [path, streamed] of [
      ['/workflows/chat/run', false],
      ['/workflows/chat/stream', true],
    ] as const) {
      for (const [body, status] of bodies) {
        const answer = await same(pair, raw({ path, body }), true);
        expect(answer.startsWith(`HTTP/1.1 ${status} `), `${streamed} ${String(body)}`).toBe(true);
      }
    }
  });

  it('leaves every request the common checks refuse before the body to the common way', async () => {
    const cases: Array<[Buffer, number]> = [
      [raw({ path: '/workflows/chat/run', headers: [] }), 415],
      [raw({ path: '/workflows/chat/run', headers: ['Content-Type: text/plain'] }), 415],
      [raw({ path: '/workflows/nowhere/run' }), 404],
      [raw({ method: 'GET', path: '/workflows/chat/run', headers: [], body: null }), 405],
      [raw({ path: '/workflows/chat/run', body: `{"question":"${'x'.repeat(1_100_000)}"}` }), 413],
      [raw({ path: `/workflows/chat/run?${'q'.repeat(9000)}` }), 414],
      [
        raw({
          path: '/workflows/chat/stream',
          headers: [JSON_TYPE, 'Last-Event-ID: run1:2'],
        }),
        200,
      ],
      // Repeated headers and a percent-escaped id go the common way too (and still succeed).
      [raw({ path: '/workflows/chat/run', headers: [JSON_TYPE, JSON_TYPE] }), 415],
      [raw({ path: '/workflows/ch%61t/run' }), 200],
      [raw({ path: '/workflows/chat/run?x=1' }), 200],
    ];
    for (const [request, status] of cases) {
      const answer = await same(pair, request, false);
      expect(answer.startsWith(`HTTP/1.1 ${status} `), answer.slice(0, 200)).toBe(true);
    }
    // A chunked body (no Content-Length) is read by the common way.
    const chunked = Buffer.from(
      'POST /workflows/chat/run HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n1a\r\n{"question":"Hello there"}\r\n0\r\n\r\n',
    );
    expect(await same(pair, chunked, false)).toMatch(/^HTTP\/1.1 200 OK/);
  });

  it("answers a failed run with the same error status and body (the provider's 401 as 502)", async () => {
    const directive = JSON.stringify({ fault: { type: 'http', kind: 'auth' } });
    const answer = await same(
      pair,
      raw({
        path: '/workflows/chat/run',
        body: JSON.stringify({ question: `fail [[sim ${directive}]]` }),
      }),
      true,
    );
    expect(answer).toMatch(/^HTTP\/1.1 502 /);
    expect(answer).toContain('"kind":"auth"');
  });

  it('logs the same access log line as the common way', () => {
    expect(pair.logs.direct.length).toBeGreaterThan(10);
    expect(pair.logs.direct).toEqual(pair.logs.common);
  });

  it('stops the upstream call when a /run client goes away', async () => {
    const marker = `direct-run-leaves-${Date.now()}`;
    const slow = JSON.stringify({ timing: { firstTokenMs: 0, tokenDelayMs: 50 } });
    const words = Array.from({ length: 400 }, (_, index) => `w${index}`).join(' ');
    const socket = connect(pair.direct.port, '127.0.0.1');
    socket.on('error', () => {});
    socket.write(
      raw({
        path: '/workflows/chat/run',
        body: JSON.stringify({ question: `${marker} ${words} [[sim ${slow}]]` }),
      }),
    );
    const mine = () =>
      simulator.requests().filter((entry) => JSON.stringify(entry.body).includes(marker));
    while (mine().length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    socket.destroy();
    // 400 tokens at 50 ms would take 20 s; the upstream call ends long before if it was stopped.
    while (!mine()[0]?.finished) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(mine()[0]?.clientClosedEarly).toBe(true);
  });
});

describe('the direct routes (server with API keys)', () => {
  let pair: ServerPair;
  beforeAll(async () => {
    pair = await startPair(['key-one', 'key-two']);
  });

  it('takes a request with an accepted key and leaves the rest to the common 401', async () => {
    for (const path of ['/workflows/chat/run', '/workflows/chat/stream']) {
      await same(pair, raw({ path, headers: [JSON_TYPE, 'Authorization: Bearer key-two'] }), true);
      const refused = await same(
        pair,
        raw({ path, headers: [JSON_TYPE, 'Authorization: Bearer wrong'] }),
        false,
      );
      expect(refused).toMatch(/^HTTP\/1.1 401 /);
      expect(await same(pair, raw({ path }), false)).toMatch(/^HTTP\/1.1 401 /);
    }
    expect(pair.logs.direct).toEqual(pair.logs.common);
  });
});
