#!/usr/bin/env node
/**
 * Where the memory of an active stream goes, by layer. The benchmark's "RSS per active stream"
 * is (peak RSS − RSS before) ÷ streams: it also counts the young generation V8 grows under load
 * and old-generation headroom, so it says little about what a stream holds. This measures the
 * live heap (after a full GC) per active stream instead, for:
 *
 * - `provider`: one `openai` provider stream (undici pool, SSE parser, `providerStream`), in this
 *   process, consumed and dropped part by part;
 * - `engine`: the same under `startWorkflowRun` (the engine, the completion executor, the run's
 *   events kept as the server's run store keeps them), in this process;
 * - `relay` and `catalyst`: the whole server as a process (`relay.mjs`, `catalyst serve`), its
 *   live heap read from a heap snapshot (taken with `--heapsnapshot-signal`, which collects
 *   garbage first) before the streams and while they run, and its RSS at the same moments.
 *
 * Streams: N at once against the mock upstream, 50 chunks 100 ms apart; sampled 2.5 s in, when
 * each has about 25 chunks behind it. Heap figures are V8's (JS objects and strings); sockets'
 * kernel buffers and native allocations show only in RSS.
 *
 * Usage: npx tsc -b && node bench/gateway/stream-memory.mjs [--streams 1000]
 *        [--layers provider,engine,relay,catalyst]
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { catalystServeArgs, startPinnedNode } from './lib/start-process.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const flag = (name, fallback) => {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : fallback;
};
const streams = Number(flag('--streams', '1000'));
const layers = flag('--layers', 'provider,engine,relay,catalyst').split(',');
const GAP_MS = 100;
const CHUNKS = 50;
const SAMPLE_AFTER_MS = 2500;
const KiB = 1024;
const sleep = (ms) => new Promise((resolvePromise) => setTimeout(resolvePromise, ms));

const rssOf = (pid) => Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * 4096;

/** Sum of every node's self size in a heap snapshot: the live heap after the GC it forces. */
function liveHeapOfSnapshot(path) {
  const snapshot = JSON.parse(readFileSync(path, 'utf8'));
  const fields = snapshot.snapshot.meta.node_fields;
  const size = fields.indexOf('self_size');
  let total = 0;
  for (let index = size; index < snapshot.nodes.length; index += fields.length) {
    total += snapshot.nodes[index];
  }
  return total;
}

/** Asks `pid` (started with --heapsnapshot-signal=SIGUSR2 in `directory`) for a snapshot. */
async function snapshotLiveHeap({ pid, directory }) {
  const before = new Set(readdirSync(directory));
  process.kill(pid, 'SIGUSR2');
  for (let waited = 0; waited < 60_000; waited += 100) {
    await sleep(100);
    const file = readdirSync(directory).find(
      (name) => name.endsWith('.heapsnapshot') && !before.has(name),
    );
    if (!file) continue;
    // The file appears before the snapshot is complete: read it until it parses.
    let live;
    for (let attempt = 0; live === undefined; attempt++) {
      await sleep(500);
      try {
        live = liveHeapOfSnapshot(join(directory, file));
      } catch (error) {
        if (attempt > 120) throw error;
      }
    }
    rmSync(join(directory, file));
    return live;
  }
  throw new Error(`no heap snapshot from ${pid} within 60 s`);
}

const mock = await startPinnedNode({
  args: [join(here, 'mock-upstream.mjs')],
  cpu: '1',
  ready: /listening (http:\/\/\S+)/,
});
const mockUrl = mock.match[1];
const configure = (config) =>
  fetch(`${mockUrl}/_mock/config`, { method: 'POST', body: JSON.stringify(config) });
const environment = { OPENAI_BASE_URL: `${mockUrl}/v1`, OPENAI_API_KEY: 'sk-bench-upstream' };
const workflow = JSON.parse(readFileSync(join(here, 'workflows', 'bench-completion.json'), 'utf8'));
const results = [];

/** Layers in this process: live heap per stream from process.memoryUsage() after gc(). */
async function inProcess(layer) {
  if (typeof globalThis.gc !== 'function') {
    results.push({ layer, skipped: 'run node with --expose-gc for the in-process layers' });
    return;
  }
  const { createProviderRegistry } = await import(join(root, 'packages/providers/dist/index.js'));
  const { startWorkflowRun } = await import(
    join(root, 'packages/runtime/dist/execute-workflow.js')
  );
  const providers = createProviderRegistry({ environment });
  const one = () =>
    new Promise((resolvePromise, reject) => {
      if (layer === 'engine') {
        // Kept as the in-memory run store keeps them: every event of the run, with its number.
        const records = [];
        startWorkflowRun({
          workflow,
          input: { question: 'What is Catalyst?' },
          signal: new AbortController().signal,
          providers,
          environment,
          onEvent: (event) => records.push({ seq: records.length + 1, event }),
          onEnd: () => resolvePromise(records.length),
        });
        return;
      }
      (async () => {
        let parts = 0;
        const stream = providers('openai').stream({
          model: 'gpt-4.1-mini',
          messages: [{ role: 'user', content: 'What is Catalyst?' }],
          maxTokens: 256,
          signal: new AbortController().signal,
        });
        for await (const _part of stream) parts++;
        return parts;
      })().then(resolvePromise, reject);
    });
  await configure({ ttftMs: 0, gapMs: 0, chunks: CHUNKS });
  await Promise.all(Array.from({ length: 50 }, one));
  await configure({ ttftMs: 0, gapMs: GAP_MS, chunks: CHUNKS });
  globalThis.gc();
  await sleep(100);
  globalThis.gc();
  const before = process.memoryUsage();
  const all = Promise.all(Array.from({ length: streams }, one));
  await sleep(SAMPLE_AFTER_MS);
  globalThis.gc();
  const during = process.memoryUsage();
  await all;
  results.push({
    layer,
    liveHeapPerStreamKiB: (during.heapUsed - before.heapUsed) / streams / KiB,
    // RSS is not read here: this process's heap was grown by the layers before it.
  });
}

/** A server as its own process on core 0, the streams from this process on core 1. */
async function asProcess(layer) {
  const directory = mkdtempSync(join(tmpdir(), 'stream-memory-'));
  const port = 41_000 + Math.floor(Math.random() * 9_000);
  const base = `http://127.0.0.1:${port}`;
  const isRelay = layer === 'relay';
  const { child } = await startPinnedNode({
    args: [
      '--heapsnapshot-signal=SIGUSR2',
      ...(isRelay
        ? [join(here, 'relay.mjs'), '--upstream', mockUrl, '--port', String(port)]
        : catalystServeArgs({ port })),
    ],
    cpu: '0',
    cwd: directory,
    env: isRelay ? {} : environment,
  });
  const url = isRelay ? `${base}/v1/chat/completions` : `${base}/workflows/bench-completion/stream`;
  const body = JSON.stringify(
    isRelay
      ? {
          model: 'gpt-4.1-mini',
          messages: [{ role: 'user', content: 'What is Catalyst?' }],
          stream: true,
        }
      : { question: 'What is Catalyst?' },
  );
  for (let tries = 0; ; tries++) {
    try {
      await fetch(isRelay ? `${base}/` : `${base}/health`);
      break;
    } catch (error) {
      if (tries > 300) throw error;
      await sleep(100);
    }
  }
  const dispatcher = new Agent({ connections: streams });
  const one = async () => {
    const response = await request(url, {
      dispatcher,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    for await (const _chunk of response.body);
    return response.statusCode;
  };
  try {
    await configure({ ttftMs: 0, gapMs: 0, chunks: CHUNKS });
    await Promise.all(Array.from({ length: 50 }, one));
    // Long enough that every stream is still running when the snapshot's GC pauses the server.
    await configure({ ttftMs: 0, gapMs: GAP_MS * 2, chunks: CHUNKS });
    const heapBefore = await snapshotLiveHeap({ pid: child.pid, directory });
    const rssBefore = rssOf(child.pid);
    const all = Promise.all(Array.from({ length: streams }, one));
    await sleep(SAMPLE_AFTER_MS * 2);
    const rssDuring = rssOf(child.pid);
    const heapDuring = await snapshotLiveHeap({ pid: child.pid, directory });
    const statuses = await all;
    results.push({
      layer,
      liveHeapPerStreamKiB: (heapDuring - heapBefore) / streams / KiB,
      rssPerStreamKiB: (rssDuring - rssBefore) / streams / KiB,
      ok: statuses.filter((status) => status === 200).length,
    });
  } finally {
    await dispatcher.close();
    child.kill();
    rmSync(directory, { recursive: true, force: true });
  }
}

try {
  for (const layer of layers) {
    if (layer === 'provider' || layer === 'engine') await inProcess(layer);
    else await asProcess(layer);
  }
} finally {
  mock.child.kill();
}
console.log(`${streams} active streams, ${CHUNKS} chunks each, sampled mid-stream`);
console.log('| Layer | live heap per stream | RSS per stream (same moment) |');
console.log('|---|---|---|');
for (const result of results) {
  console.log(
    result.skipped
      ? `| ${result.layer} | ${result.skipped} | |`
      : `| ${result.layer} | ${result.liveHeapPerStreamKiB.toFixed(1)} KiB | ${result.rssPerStreamKiB === undefined ? '— (in process)' : `${result.rssPerStreamKiB.toFixed(1)} KiB`} |`,
  );
}
