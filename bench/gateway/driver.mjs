#!/usr/bin/env node
/**
 * The load driver, in its own process (pinned by the harness to the core the systems under test
 * do not use). It receives jobs over IPC and answers with one record per request: time to the
 * first content event, total time, content / terminal event counts, bytes, status.
 *
 * A job: { url, headers, body, count, concurrency, stream, format: 'openai' | 'catalyst',
 *          recordGaps?: boolean }.
 */
import { Agent, request } from 'undici';
import { SseCounter } from './lib/sse-counter.mjs';

async function runOne({ job, dispatcher }) {
  const start = performance.now();
  const record = {
    status: 0,
    ttfbMs: 0,
    ttfcMs: Number.NaN,
    lastContentMs: Number.NaN,
    totalMs: 0,
    bytes: 0,
  };
  let lastContent = 0;
  const gaps = job.recordGaps ? [] : undefined;
  const counter = new SseCounter({
    format: job.format,
    onContent: () => {
      const now = performance.now();
      if (Number.isNaN(record.ttfcMs)) record.ttfcMs = now - start;
      else gaps?.push(now - lastContent);
      lastContent = now;
      record.lastContentMs = now - start;
    },
  });
  try {
    const response = await request(job.url, {
      dispatcher,
      method: 'POST',
      headers: job.headers,
      body: job.body,
      signal: job.deadline
        ? AbortSignal.timeout(Math.max(1, job.deadline - Date.now()))
        : undefined,
    });
    record.status = response.statusCode;
    record.ttfbMs = performance.now() - start;
    if (job.stream && response.statusCode === 200) {
      response.body.setEncoding('utf8');
      for await (const text of response.body) {
        record.bytes += Buffer.byteLength(text);
        counter.push(text);
      }
    } else {
      for await (const chunk of response.body) record.bytes += chunk.length;
      if (response.statusCode === 200) record.ttfcMs = performance.now() - start;
    }
  } catch (error) {
    record.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
  record.totalMs = performance.now() - start;
  record.contentEvents = counter.contentEvents;
  record.terminalEvents = counter.terminalEvents;
  record.errorEvents = counter.errorEvents;
  if (gaps) record.gaps = gaps;
  return record;
}

async function runJob(job) {
  const dispatcher = new Agent({
    connections: job.concurrency,
    keepAliveTimeout: 30_000,
    headersTimeout: 120_000,
    bodyTimeout: 120_000,
  });
  const records = new Array(job.count);
  // A deadline for the whole job, so a system far slower than real time ends the scenario.
  if (job.deadlineMs) job.deadline = Date.now() + job.deadlineMs;
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < job.count) {
      const index = next++;
      records[index] = await runOne({ job, dispatcher });
    }
  };
  await Promise.all(Array.from({ length: Math.min(job.concurrency, job.count) }, worker));
  const wallMs = performance.now() - started;
  await dispatcher.close();
  return { records, wallMs };
}

process.on('message', async (message) => {
  if (message.type === 'job') {
    try {
      const result = await runJob(message.job);
      process.send({ type: 'result', id: message.id, ...result });
    } catch (error) {
      process.send({ type: 'result', id: message.id, error: String(error), records: [] });
    }
  } else if (message.type === 'exit') process.exit(0);
});
process.send({ type: 'ready' });
