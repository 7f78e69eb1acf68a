#!/usr/bin/env node
/**
 * Where `catalyst serve` spends its CPU under the benchmark's load: starts the mock upstream and
 * `catalyst serve` under `node --cpu-prof` (pinned like the benchmark: the server on core 0, the
 * rest on core 1), sends streamed and non-streamed requests, stops the server (the profile is
 * written on exit) and prints the busy time by where it went: the openai SDK, web streams and
 * fetch (Node's bundled undici), undici, GC, @hono/node-server, Catalyst's packages, the rest.
 *
 * Usage: npx tsc -b && node bench/gateway/profile-catalyst.mjs [--requests 3000] [--chunks 20]
 *        [--stream-only | --run-only] [--out DIR]
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { catalystServeArgs, startPinnedNode } from './lib/start-process.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const flag = (name, fallback) => {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : fallback;
};
const total = Number(flag('--requests', '3000'));
const chunks = Number(flag('--chunks', '20'));
const streamOnly = process.argv.includes('--stream-only');
const runOnly = process.argv.includes('--run-only');
const outDirectory = resolve(flag('--out', join(here, '.build', 'profiles', String(Date.now()))));
mkdirSync(outDirectory, { recursive: true });

const mock = await startPinnedNode({
  args: [join(here, 'mock-upstream.mjs')],
  ready: /listening (http:\/\/\S+)/,
  cpu: '1',
});
const mockUrl = mock.match[1];
await fetch(`${mockUrl}/_mock/config`, { method: 'POST', body: JSON.stringify({ chunks }) });
const port = 40_000 + Math.floor(Math.random() * 10_000);
const server = await startPinnedNode({
  args: ['--cpu-prof', '--cpu-prof-dir', outDirectory, ...catalystServeArgs({ port })],
  env: { OPENAI_BASE_URL: `${mockUrl}/v1`, OPENAI_API_KEY: 'sk-bench-upstream' },
  // Ready when it answers (polled below).
  cpu: '0',
});

const dispatcher = new Agent({ connections: 64 });
async function one(kind) {
  const response = await request(`http://127.0.0.1:${port}/workflows/bench-completion/${kind}`, {
    dispatcher,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ question: 'Say something.' }),
  });
  for await (const _ of response.body);
  if (response.statusCode !== 200) throw new Error(`${kind}: HTTP ${response.statusCode}`);
}
async function batch(kind, count, concurrency) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next += 1;
        await one(kind);
      }
    }),
  );
}
// Wait for the health check, warm up, then the measured mix: two thirds streamed.
for (let attempt = 0; ; attempt++) {
  try {
    await batch('run', 1, 1);
    break;
  } catch (error) {
    if (attempt > 50) throw error;
    await new Promise((wait) => setTimeout(wait, 100));
  }
}
await batch('stream', 200, 8);
/** CPU seconds (user + system) the server used so far, from /proc (taskset execs node). */
const cpuSeconds = () => {
  const fields = readFileSync(`/proc/${server.child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};
const cpuBefore = cpuSeconds();
const started = Date.now();
if (!runOnly) await batch('stream', streamOnly ? total : Math.round((total * 2) / 3), 16);
if (!streamOnly) await batch('run', runOnly ? total : Math.round(total / 3), 16);
const elapsed = Date.now() - started;
const cpuMs = (cpuSeconds() - cpuBefore) * 1000;
server.child.removeAllListeners('exit');
const exited = new Promise((done) => server.child.once('exit', done));
server.child.kill('SIGINT');
await exited;
mock.child.removeAllListeners('exit');
mock.child.kill('SIGTERM');
await dispatcher.close();

const file = readdirSync(outDirectory).find((name) => name.endsWith('.cpuprofile'));
if (!file) throw new Error(`no profile in ${outDirectory}`);
const profile = JSON.parse(readFileSync(join(outDirectory, file), 'utf8'));

/** Which bucket a frame's self time belongs to. */
function bucketOf(frame) {
  const url = frame.url ?? '';
  const name = frame.functionName ?? '';
  if (name === '(garbage collector)') return 'GC';
  if (name === '(idle)' || name === '(program)' || name === '(root)') return name;
  if (url.includes('/node_modules/openai/')) return 'openai SDK';
  if (url.includes('/node_modules/@hono/node-server/')) return '@hono/node-server';
  if (url.includes('/node_modules/hono/')) return 'hono';
  if (url.includes('/node_modules/undici/')) return 'undici (package)';
  if (url.includes('/node_modules/eventsource-parser/')) return 'eventsource-parser';
  if (/^node:internal\/deps\/undici/.test(url)) return 'web streams + fetch';
  if (
    /^node:internal\/webstreams|^node:internal\/abort_controller|^node:internal\/event_target/.test(
      url,
    )
  )
    return 'web streams + fetch';
  const catalyst = url.match(/packages\/([^/]+)\/dist\//);
  if (catalyst) return `catalyst ${catalyst[1]}`;
  if (url.startsWith('node:')) return 'node core';
  if (url === '') return 'native / builtins';
  return 'other dependencies';
}
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const selfMicros = new Map();
const deltas = profile.timeDeltas;
for (let index = 0; index < profile.samples.length; index++) {
  const node = nodes.get(profile.samples[index]);
  const bucket = bucketOf(node.callFrame);
  selfMicros.set(bucket, (selfMicros.get(bucket) ?? 0) + (deltas[index] ?? 0));
}
const busy = [...selfMicros].filter(([bucket]) => bucket !== '(idle)');
const busyTotal = busy.reduce((sum, [, micros]) => sum + micros, 0);
console.log(`profile: ${join(outDirectory, file)}`);
console.log(
  `server CPU (from /proc, the measured batch only): ${cpuMs.toFixed(0)} ms = ${((1000 * cpuMs) / total).toFixed(0)} µs per request`,
);
console.log(
  `${total} requests (${streamOnly ? 'all' : runOnly ? 'none' : '2/3'} streamed, ${chunks} chunks, c=16) in ${elapsed} ms; sampled busy time (wall clock on a busy machine, startup included) ${(busyTotal / 1000).toFixed(0)} ms`,
);
for (const [bucket, micros] of busy.sort((a, b) => b[1] - a[1])) {
  console.log(`${bucket.padEnd(28)} ${((100 * micros) / busyTotal).toFixed(1).padStart(5)} %`);
}
