import type { ServerResponse } from 'node:http';
import type { OpenAIErrorResponse } from './openai-error-body.js';

/** Sends a complete JSON response. */
export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
  });
  response.end(text);
}

/** Sends an OpenAI-shaped error, unless the response is already over. */
export function sendError(response: ServerResponse, error: OpenAIErrorResponse): void {
  if (response.writableEnded || response.destroyed) return;
  sendJson(response, error.status, error.body);
}

/** Writes one SSE `data:` line holding `value` as JSON. */
export function writeEvent(response: ServerResponse, value: unknown): Promise<void> {
  return writeData(response, JSON.stringify(value));
}

/** Writes one `data:` line, waiting for the socket to drain so a slow client slows the writer. */
export function writeData(response: ServerResponse, data: string): Promise<void> {
  if (response.destroyed) return Promise.resolve();
  if (response.write(`data: ${data}\n\n`)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}
