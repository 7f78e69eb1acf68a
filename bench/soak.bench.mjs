// A soak of `catalyst serve`: its capacity measured first, then streams at half that rate for a
// long while, 1 % of them with an injected provider fault. Every stream must end with exactly one
// terminal event (none lost, none unterminated); the server's RSS is sampled to show whether it
// grows. Not part of CI. Needs `npx tsc -b` and the chart renderer of bench/gateway
// (`npm install --prefix bench/gateway`).
//
//   node bench/soak.bench.mjs [--duration SECONDS] [--capacity-seconds S] [--note TEXT]
//
// Writes bench/results/soak.md and bench/results/soak-rss.png.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const REPOSITORY = fileURLToPath(new URL('..', import.meta.url));
const RESULTS = join(REPOSITORY, 'bench', 'results');

const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string', default: '600' },
    'capacity-seconds': { type: 'string', default: '20' },
    note: { type: 'string', default: '' },
  },
});
const DURATION_MS = Number(flags.duration) * 1000;
const CAPACITY_MS = Number(flags['capacity-seconds']) * 1000;
/** Share of soak requests that carry a fault. */
const FAULT_SHARE = 0.01;
/** Stream timeouts of the served process: short enough that an injected stall ends quickly. */
const TIMEOUT_MS = 2000;
/** A client gives up on a stream after this: past it, the stream counts as unterminated. */
const CLIENT_BOUND_MS = 30_000;
/** RSS sampling period. */
const SAMPLE_MS = 2000;
/** The first part of the soak is warm-up: the RSS slope is fitted on the rest. */
const WARM_UP_SHARE = 0.2;

/** The faults injected into 1 % of requests, in turn (the simulator's inline directives). */
const FAULTS = [
  { fault: { type: 'http', kind: 'rate_limit', retryAfterMs: 50 } },
  { fault: { type: 'http', kind: 'server' } },
  { fault: { type: 'http', kind: 'overloaded', status: 529 } },
  { fault: { type: 'reset' } },
  { fault: { type: 'disconnect', afterChunks: 3 } },
  { fault: { type: 'malformed', afterChunks: 3 } },
  { fault: { type: 'stall', afterChunks: 3 } },
  { fault: { type: 'stream-error', afterChunks: 3, kind: 'overloaded' } },
];
/** A realistic pace for the normal replies: a first token after 50 ms, 5 ms between tokens. */
const TIMING = { timing: { firstTokenMs: 50, tokenDelayMs: 5 } };

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts a process and resolves once `ready` matches its output. */
function start({ command, args, env, ready }) {
  const child = spawn(command, args, { cwd: REPOSITORY, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${args[0]} did not start:\n${output}`)),
      30_000,
    );
    const look = (chunk) => {
      output = (output + chunk.toString()).slice(-20_000);
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout.on('data', look);
    child.stderr.on('data', (chunk) => {
      // The access log: one line per request; only its errors matter here.
      output = (output + chunk.toString()).slice(-20_000);
      if (!ready.test(output)) look(Buffer.alloc(0));
    });
    child.once('exit', (code) => reject(new Error(`${args[0]} exited with ${code}:\n${output}`)));
  });
}

function rssMegabytes(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kilobytes = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return kilobytes / 1024;
}

/** One stream, read to its end: how it ended. */
async function stream({ url, directive, index }) {
  const startedAt = performance.now();
  const signal = AbortSignal.timeout(CLIENT_BOUND_MS);
  try {
    const question = `soak ${index}: tell me something [[sim ${JSON.stringify(directive)}]]`;
    const response = await fetch(`${url}/workflows/chat/stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ question }),
      signal,
    });
    if (response.status !== 200) return { outcome: 'lost', ms: performance.now() - startedAt };
    const text = await response.text();
    const terminals = text.match(/^event: (done|error)$/gm) ?? [];
    const ms = performance.now() - startedAt;
    if (terminals.length !== 1) return { outcome: 'unterminated', ms };
    return { outcome: terminals[0] === 'event: done' ? 'done' : 'error', ms };
  } catch {
    return {
      outcome: signal.aborted ? 'unterminated' : 'lost',
      ms: performance.now() - startedAt,
    };
  }
}

/** Closed loop: `concurrency` clients back to back for `ms`; streams completed per second. */
async function measureCapacity({ url, concurrency, ms }) {
  const until = performance.now() + ms;
  let completed = 0;
  let index = 0;
  const client = async () => {
    while (performance.now() < until) {
      const result = await stream({ url, directive: TIMING, index: index++ });
      if (result.outcome === 'done') completed += 1;
    }
  };
  const startedAt = performance.now();
  await Promise.all(Array.from({ length: concurrency }, client));
  return completed / ((performance.now() - startedAt) / 1000);
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** Least-squares slope of y over x. */
function slope(points) {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / n;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / n;
  let numerator = 0;
  let denominator = 0;
  for (const [x, y] of points) {
    numerator += (x - meanX) * (y - meanY);
    denominator += (x - meanX) ** 2;
  }
  return numerator / denominator;
}

/** RSS (MB) and completed streams per sample period over time, as an SVG line chart. */
function rssChart({ samples, heap, warmUpMinutes }) {
  const width = 760;
  const height = 380;
  const margin = { top: 40, right: 30, bottom: 50, left: 70 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const xMax = Math.max(...samples.map((sample) => sample.minutes), 0.1);
  const yMax = Math.ceil((Math.max(...samples.map((sample) => sample.rss)) * 1.1) / 50) * 50;
  const x = (minutes) => margin.left + (minutes / xMax) * plotWidth;
  const y = (rss) => margin.top + (1 - rss / yMax) * plotHeight;
  const line = samples
    .map(
      (sample, index) =>
        `${index === 0 ? 'M' : 'L'}${x(sample.minutes).toFixed(1)},${y(sample.rss).toFixed(1)}`,
    )
    .join(' ');
  const heapLine = heap
    .filter((sample) => sample.minutes <= xMax)
    .map(
      (sample, index) =>
        `${index === 0 ? 'M' : 'L'}${x(sample.minutes).toFixed(1)},${y(sample.heap).toFixed(1)}`,
    )
    .join(' ');
  const yTicks = Array.from({ length: 6 }, (_, index) => (yMax / 5) * index);
  const xTicks = Array.from({ length: 6 }, (_, index) => (xMax / 5) * index);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="DejaVu Sans, sans-serif">
<rect width="100%" height="100%" fill="#ffffff"/>
<text x="${margin.left}" y="24" font-size="15" font-weight="bold">catalyst serve memory during the soak (MB)</text>
<rect x="${x(0)}" y="${margin.top}" width="${x(warmUpMinutes) - x(0)}" height="${plotHeight}" fill="#eeeeee"/>
<text x="${x(0) + 4}" y="${margin.top + 14}" font-size="11" fill="#666666">warm-up</text>
${yTicks.map((tick) => `<line x1="${margin.left}" x2="${width - margin.right}" y1="${y(tick)}" y2="${y(tick)}" stroke="#dddddd"/><text x="${margin.left - 8}" y="${y(tick) + 4}" font-size="11" text-anchor="end">${tick.toFixed(0)}</text>`).join('')}
${xTicks.map((tick) => `<text x="${x(tick)}" y="${height - margin.bottom + 18}" font-size="11" text-anchor="middle">${tick.toFixed(1)}</text>`).join('')}
<text x="${margin.left + plotWidth / 2}" y="${height - 12}" font-size="12" text-anchor="middle">minutes</text>
<path d="${line}" fill="none" stroke="#0072B2" stroke-width="2"/>
<path d="${heapLine}" fill="none" stroke="#D55E00" stroke-width="2"/>
<text x="${width - margin.right - 4}" y="${margin.top + 14}" font-size="11" text-anchor="end" fill="#0072B2">RSS</text>
<text x="${width - margin.right - 4}" y="${margin.top + 28}" font-size="11" text-anchor="end" fill="#D55E00">live heap after a full GC</text>
</svg>`;
}

async function writePng(svg, path) {
  const require = createRequire(join(REPOSITORY, 'bench', 'gateway', 'package.json'));
  let Resvg;
  try {
    ({ Resvg } = require('@resvg/resvg-js'));
  } catch {
    throw new Error('the chart renderer is missing: npm install --prefix bench/gateway');
  }
  const png = new Resvg(svg, {
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  })
    .render()
    .asPng();
  writeFileSync(path, png);
}

async function main() {
  const simulatorPort = await freePort();
  const serverPort = await freePort();
  const simulatorUrl = `http://127.0.0.1:${simulatorPort}`;
  const environment = JSON.parse(
    readFileSync(join(REPOSITORY, 'conformance', 'environment.json'), 'utf8'),
  );
  const env = { ...process.env };
  for (const [name, value] of Object.entries(environment)) {
    if (!name.startsWith('/')) env[name] = value.replaceAll('{SIMULATOR}', simulatorUrl);
  }
  env.CATALYST_LOG_LEVEL = 'warn';
  // The live heap after a full GC, every 10 s (bench/soak-heap-probe.cjs).
  const heapLog = join(tmpdir(), `catalyst-soak-heap-${process.pid}.jsonl`);
  rmSync(heapLog, { force: true });
  env.CATALYST_SOAK_HEAP_LOG = heapLog;
  const simulator = await start({
    command: process.execPath,
    args: [join(REPOSITORY, 'packages/simulator/dist/bin.js'), '--port', String(simulatorPort)],
    env: process.env,
    ready: /listening on/,
  });
  const serverStartedAt = performance.now();
  const server = await start({
    command: process.execPath,
    args: [
      '--require',
      join(REPOSITORY, 'bench/soak-heap-probe.cjs'),
      join(REPOSITORY, 'packages/cli/dist/bin.js'),
      'serve',
      join(REPOSITORY, 'examples/chat.json'),
      '--port',
      String(serverPort),
      '--first-token-timeout',
      String(TIMEOUT_MS),
      '--idle-timeout',
      String(TIMEOUT_MS),
    ],
    env,
    ready: new RegExp(`127\\.0\\.0\\.1:${serverPort}`),
  });
  const url = `http://127.0.0.1:${serverPort}`;
  try {
    console.log(`measuring capacity for ${CAPACITY_MS / 1000} s …`);
    const capacity = await measureCapacity({ url, concurrency: 32, ms: CAPACITY_MS });
    const rate = capacity / 2;
    console.log(
      `capacity ${capacity.toFixed(1)} streams/s; soaking at ${rate.toFixed(1)}/s for ${DURATION_MS / 1000} s`,
    );

    const samples = [];
    const soakStartedAt = performance.now();
    const soakOffsetMs = soakStartedAt - serverStartedAt;
    const sampler = setInterval(() => {
      samples.push({
        minutes: (performance.now() - soakStartedAt) / 60_000,
        rss: rssMegabytes(server.pid),
      });
    }, SAMPLE_MS);
    samples.push({ minutes: 0, rss: rssMegabytes(server.pid) });
    const results = [];
    const running = new Set();
    let index = 0;
    let faults = 0;
    // Open loop: arrivals on a fixed schedule, whatever the latency (a closed loop would slow
    // down with the server and hide a backlog).
    while (performance.now() - soakStartedAt < DURATION_MS) {
      const due = soakStartedAt + (index / rate) * 1000;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const faulty = Math.random() < FAULT_SHARE;
      const directive = faulty ? { ...TIMING, ...FAULTS[faults++ % FAULTS.length] } : TIMING;
      const task = stream({ url, directive, index }).then((result) => {
        results.push({ ...result, faulty });
        running.delete(task);
      });
      running.add(task);
      index += 1;
    }
    await Promise.all(running);
    clearInterval(sampler);
    samples.push({
      minutes: (performance.now() - soakStartedAt) / 60_000,
      rss: rssMegabytes(server.pid),
    });

    const count = (outcome) => results.filter((result) => result.outcome === outcome).length;
    const normal = results.filter((result) => !result.faulty);
    const latencies = normal
      .filter((result) => result.outcome === 'done')
      .map((result) => result.ms);
    const warmUpMinutes = (DURATION_MS / 60_000) * WARM_UP_SHARE;
    const steady = samples.filter((sample) => sample.minutes >= warmUpMinutes);
    const rssSlope = slope(steady.map((sample) => [sample.minutes, sample.rss]));
    // Heap samples are timed from the server's start; the soak began capacity-seconds later.
    const heap = existsSync(heapLog)
      ? readFileSync(heapLog, 'utf8')
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line))
          .map((sample) => ({
            minutes: (sample.seconds * 1000 - soakOffsetMs) / 60_000,
            heap: sample.heapMb,
          }))
          .filter((sample) => sample.minutes >= 0)
      : [];
    rmSync(heapLog, { force: true });
    const steadyHeap = heap.filter((sample) => sample.minutes >= warmUpMinutes);
    const heapSlope = slope(steadyHeap.map((sample) => [sample.minutes, sample.heap]));
    const figures = {
      capacity,
      rate,
      streams: results.length,
      faulty: results.filter((result) => result.faulty).length,
      done: count('done'),
      error: count('error'),
      lost: count('lost'),
      unterminated: count('unterminated'),
      normalErrors: normal.filter((result) => result.outcome === 'error').length,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      rssStart: samples[0].rss,
      rssWarm: steady[0]?.rss ?? Number.NaN,
      rssEnd: samples.at(-1).rss,
      rssMax: Math.max(...samples.map((sample) => sample.rss)),
      rssSlope,
      heapWarm: steadyHeap[0]?.heap ?? Number.NaN,
      heapEnd: heap.at(-1)?.heap ?? Number.NaN,
      heapSlope,
    };
    console.log(figures);
    await writePng(rssChart({ samples, heap, warmUpMinutes }), join(RESULTS, 'soak-rss.png'));
    const minutes = DURATION_MS / 60_000;
    const verdict = figures.lost === 0 && figures.unterminated === 0 ? 'pass' : 'FAIL';
    writeFileSync(
      join(RESULTS, 'soak.md'),
      `# Soak: \`catalyst serve\` at half its capacity, 1 % faults

Produced by \`node bench/soak.bench.mjs --duration ${DURATION_MS / 1000}\` on ${new Date().toISOString().slice(0, 10)}
(${cpus().length} CPUs, load average ${loadavg()
        .map((value) => value.toFixed(1))
        .join(' / ')} at the end). ${flags.note}

Setup: \`catalyst serve examples/chat.json\` (Anthropic node) and the simulator, each its own
process, the load driver a third; replies are the simulator's short echo (about 20 chunks), first token after 50 ms, 5 ms
between tokens. Capacity: ${CAPACITY_MS / 1000} s closed loop with 32 clients. Soak: open-loop
arrivals at half of it for ${minutes.toFixed(1)} minutes; 1 % of requests carry one of ${FAULTS.length}
faults in turn (429, 500, 529, reset, disconnect, malformed chunk, stall, in-stream error), with
the first-token and idle timeouts at ${TIMEOUT_MS} ms. A stream counts as *lost* when it got no 200
or its connection failed, *unterminated* when it ended (or hit the ${CLIENT_BOUND_MS / 1000} s client
bound) without exactly one \`done\` or \`error\`.

| Figure | Value |
| --- | --- |
| Measured capacity | ${capacity.toFixed(1)} streams/s |
| Soak rate | ${rate.toFixed(1)} streams/s |
| Streams | ${figures.streams} (${figures.faulty} with a fault) |
| Ended \`done\` / \`error\` | ${figures.done} / ${figures.error} (errors without an injected fault: ${figures.normalErrors}) |
| **Lost / unterminated** | **${figures.lost} / ${figures.unterminated}** (${verdict}) |
| Stream time, fault-free, p50 / p99 | ${figures.p50.toFixed(0)} ms / ${figures.p99.toFixed(0)} ms |
| RSS at start / after warm-up / end / max | ${figures.rssStart.toFixed(0)} / ${figures.rssWarm.toFixed(0)} / ${figures.rssEnd.toFixed(0)} / ${figures.rssMax.toFixed(0)} MB |
| RSS slope after warm-up (first ${(WARM_UP_SHARE * 100).toFixed(0)} %) | ${rssSlope.toFixed(2)} MB/min |
| Live heap after a full GC, after warm-up / end | ${figures.heapWarm.toFixed(1)} / ${figures.heapEnd.toFixed(1)} MB |
| **Live heap slope after warm-up** | **${heapSlope.toFixed(2)} MB/min** |

RSS counts memory V8 and the allocator keep after freeing it, so it can creep up without a leak.
Every 10 s the server (through \`bench/soak-heap-probe.cjs\`) forces a full garbage collection
and records the heap that survives it: a leak shows as a rising live heap, retention as a flat one.

![RSS over the soak](soak-rss.png)
`,
    );
    console.log(`wrote bench/results/soak.md (${verdict})`);
    if (verdict !== 'pass') process.exitCode = 1;
  } finally {
    server.kill('SIGTERM');
    simulator.kill('SIGTERM');
  }
}

await main();
