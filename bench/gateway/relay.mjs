#!/usr/bin/env node
/**
 * The floor: the least a proxy in Node must do. node:http in, JSON parsed and re-serialised, one
 * keep-alive agent to the upstream, and streamed answers re-framed per SSE event (so it pays for
 * an SSE parser, as every real gateway does) — no SDK, no web streams.
 *
 * Usage: node relay.mjs --upstream http://127.0.0.1:PORT [--port N]; prints `listening URL`.
 */
import { Agent, createServer, request as httpRequest } from 'node:http';
import { SseReframer } from './lib/sse-reframe.mjs';

const argument = (name) => {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
};
const upstream = new URL(argument('--upstream') ?? 'http://127.0.0.1:8080');
const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });

const server = createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      response.writeHead(400, { 'content-type': 'application/json' });
      response.end('{"error":{"message":"invalid JSON"}}');
      return;
    }
    const payload = JSON.stringify(body);
    const forward = httpRequest(
      {
        agent,
        host: upstream.hostname,
        port: upstream.port,
        method: 'POST',
        path: request.url,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          authorization: request.headers.authorization ?? '',
        },
      },
      (upstreamResponse) => {
        const streaming = String(upstreamResponse.headers['content-type']).startsWith(
          'text/event-stream',
        );
        if (!streaming) {
          response.writeHead(upstreamResponse.statusCode ?? 502, {
            'content-type': upstreamResponse.headers['content-type'] ?? 'application/json',
          });
          upstreamResponse.pipe(response);
          return;
        }
        response.writeHead(upstreamResponse.statusCode ?? 200, {
          'content-type': 'text/event-stream',
          'cache-control': 'no-cache',
        });
        const reframer = new SseReframer();
        upstreamResponse.setEncoding('utf8');
        upstreamResponse.on('data', (text) => {
          for (const event of reframer.push(text)) response.write(event);
        });
        upstreamResponse.on('end', () => {
          for (const event of reframer.flush()) response.write(event);
          response.end();
        });
      },
    );
    forward.on('error', (error) => {
      if (response.headersSent) response.destroy(error);
      else {
        response.writeHead(502, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { message: 'upstream unreachable' } }));
      }
    });
    // A client that leaves stops the upstream request too.
    response.on('close', () => {
      if (!response.writableFinished) forward.destroy();
    });
    forward.end(payload);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(argument('--port') ?? 0), '127.0.0.1', () => {
  console.log(`listening http://127.0.0.1:${server.address().port}`);
});
