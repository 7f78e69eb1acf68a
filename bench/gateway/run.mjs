#!/usr/bin/env node
/**
 * The gateway benchmark: direct, the relay floor, `catalyst serve`, the generated Python service,
 * Portkey and LiteLLM in one run, in front of one mock upstream. Writes bench/results/gateway.md
 * (+ PNG charts and gateway.json with every figure).
 *
 *   npm run bench:gateway              full run (≲ 20 min)
 *   npm run bench:gateway -- --quick   smoke run (< 3 min, small counts)
 *   options: --systems direct,relay,…   --no-setup   --out DIR
 *
 * Method (../../../shared/reference/benchmark-method.md): the systems on core 0, the mock, the
 * driver and this orchestrator on core 1 (taskset); systems interleaved in a new random order
 * every round; latency = median of round medians, added latency = median over rounds of
 * (system − direct); throughput divided by the system's own CPU seconds (/proc/PID/stat of its
 * process tree); the load average recorded with every scenario.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sampleProcessTree } from './lib/proc-stat.mjs';
import { shuffled } from './lib/stats.mjs';
import { writeReport } from './report.mjs';
import { setup } from './setup.mjs';
import { SYSTEMS } from './systems.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const flags = process.argv.slice(2);
const quick = flags.includes('--quick');
const flagValue = (name) => {
  const index = flags.indexOf(name);
  return index >= 0 ? flags[index + 1] : undefined;
};
const outDirectory = flagValue('--out') ?? join(here, '..', 'results');
const logDirectory = join(here, '.build', 'logs');
mkdirSync(logDirectory, { recursive: true });
mkdirSync(outDirectory, { recursive: true });

/** Counts per mode: quick is a smoke check, full is the report. */
const COUNTS = quick
  ? {
      latencyRounds: 3,
      latencyPerRound: 10,
      throughputRounds: 2,
      throughputRequests: 100,
      throughputStreams: 40,
      minCpuSeconds: 0.1,
      maxBatches: 5,
      fidelityStreams: 8,
      concurrentStreams: 200,
      idleStreams: 200,
      idleTtftMs: 2000,
      payloadRounds: 2,
      payloadPerRound: 3,
      deadlineMs: 8000,
      warmup: 20,
    }
  : {
      latencyRounds: 10,
      latencyPerRound: 30,
      throughputRounds: 3,
      throughputRequests: 600,
      throughputStreams: 200,
      minCpuSeconds: 0.5,
      maxBatches: 40,
      fidelityStreams: 32,
      concurrentStreams: 1000,
      idleStreams: 1000,
      idleTtftMs: 5000,
      payloadRounds: 5,
      payloadPerRound: 10,
      deadlineMs: 30_000,
      warmup: 200,
    };

const log = (message) =>
  console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const load = () => loadavg().map((value) => Number(value.toFixed(2)));

// This process drives and samples; it belongs with the driver on core 1.
spawnSync('taskset', ['-pc', '1', String(process.pid)], { stdio: 'ignore' });

if (flags.includes('--report-only')) {
  // Rewrites the report from the figures of the last run (after a change to report.mjs).
  const { readFileSync } = await import('node:fs');
  const name = quick ? 'gateway-quick' : 'gateway';
  const results = JSON.parse(readFileSync(join(outDirectory, `${name}.json`), 'utf8'));
  await writeReport({ results, outDirectory, quick });
  log(`rewrote ${join(outDirectory, `${name}.md`)}`);
  process.exit(0);
}
if (!flags.includes('--no-setup')) setup();

const children = [];
/** The systems that started, with their pid, request builder and stop(). */
const running = [];
function startPinned({ script, ipc }) {
  const child = spawn('taskset', ['-c', '1', process.execPath, join(here, script)], {
    stdio: ipc ? ['ignore', 'pipe', 'inherit', 'ipc'] : ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return child;
}

// Interrupted (Ctrl-C, a timeout): stop every server this run started, then leave.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    log(`${signal}: stopping the servers`);
    await Promise.allSettled(running.map((system) => system.stop()));
    for (const child of children) child.kill();
    process.exit(130);
  });
}

const mockProcess = startPinned({ script: 'mock-upstream.mjs' });
const mockUrl = await new Promise((resolve, reject) => {
  mockProcess.once('error', reject);
  mockProcess.stdout.once('data', (chunk) => resolve(String(chunk).trim().split(' ').at(-1)));
});
const mock = {
  configure: (config) =>
    fetch(`${mockUrl}/_mock/config`, { method: 'POST', body: JSON.stringify(config) }).then((r) =>
      r.json(),
    ),
  stats: () => fetch(`${mockUrl}/_mock/stats`).then((r) => r.json()),
};

const driverProcess = startPinned({ script: 'driver.mjs', ipc: true });
await new Promise((resolve) => driverProcess.once('message', resolve));
let jobSequence = 0;
/** Sends one job to the driver; resolves to { records, wallMs }. */
function drive(job) {
  const id = ++jobSequence;
  return new Promise((resolve) => {
    const onMessage = (message) => {
      if (message.type === 'result' && message.id === id) {
        driverProcess.off('message', onMessage);
        resolve(message);
      }
    };
    driverProcess.on('message', onMessage);
    driverProcess.send({ type: 'job', id, job });
  });
}

const selected = flagValue('--systems')?.split(',') ?? SYSTEMS.map((system) => system.name);
const couldNotRun = [];
for (const system of SYSTEMS.filter((candidate) => selected.includes(candidate.name))) {
  log(`starting ${system.name}`);
  try {
    const started = await system.start({ mockUrl, logDirectory });
    running.push({ ...system, ...started });
  } catch (error) {
    couldNotRun.push({
      name: system.name,
      reason: String(error instanceof Error ? error.message : error).slice(0, 400),
    });
    log(`${system.name} could not run: ${error}`);
  }
}

const SMALL_PROMPT = 'Say hello to the benchmark.';
/** A driver job against `system`. */
function job({ system, stream, count, concurrency, prompt = SMALL_PROMPT, ...rest }) {
  const { url, format, headers, body } = system.request({ prompt, stream });
  // No job may hang the run: a system that stops answering (but keeps its streams alive with
  // keep-alive comments) is cut at the deadline and its requests count as errors.
  return { url, format, headers, body, stream, count, concurrency, deadlineMs: 180_000, ...rest };
}
const cpuOf = (system) => (system.pid ? sampleProcessTree(system.pid) : undefined);
const summary = (records) => ({
  errors: records.filter((record) => record.error || record.status !== 200).length,
  firstError:
    records.find((record) => record.error || record.status !== 200)?.error ??
    records.find((record) => record.status !== 200)?.status,
});

const results = {
  quick,
  startedAt: new Date().toISOString(),
  machine: {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
    kernel: release(),
    node: process.version,
  },
  counts: COUNTS,
  systems: running.map(({ name, label }) => ({ name, label })),
  couldNotRun,
  scenarios: {},
};

/**
 * Before each scenario: one plain request to every system still running (10 s deadline). A
 * system that no longer answers is stopped (so it stops using core 0), reported with the scenario
 * it failed before, and left out of the rest of the run instead of timing out every job.
 */
async function dropUnresponsive(scenario) {
  await mock.configure({});
  for (const system of [...running]) {
    const { records } = await drive(
      job({ system, stream: false, count: 1, concurrency: 1, deadlineMs: 10_000 }),
    );
    const [record] = records;
    if (record && record.status === 200 && !record.error) continue;
    const reason = `stopped answering before the "${scenario}" scenario (${record?.error ?? `status ${record?.status}`}); left out from there on`;
    log(`${system.name} ${reason}`);
    couldNotRun.push({ name: system.name, reason });
    running.splice(running.indexOf(system), 1);
    await system.stop();
  }
}

/**
 * Before a memory scenario: the system restarted and warmed (the same warm-up as at the start),
 * so "RSS added per stream" is not hidden by a heap an earlier scenario already grew, and a
 * system left stuck by an earlier scenario gets a clean start. Then the mock is set to `config`.
 * Resolves to false (and reports why) when the system does not come back.
 */
async function restartFresh({ system, scenario, config }) {
  await system.stop();
  try {
    const definition = SYSTEMS.find((candidate) => candidate.name === system.name);
    Object.assign(system, await definition.start({ mockUrl, logDirectory }));
  } catch (error) {
    const reason = `did not restart before the "${scenario}" scenario: ${String(error).slice(0, 300)}`;
    log(`${system.name} ${reason}`);
    couldNotRun.push({ name: system.name, reason });
    running.splice(running.indexOf(system), 1);
    return false;
  }
  await mock.configure({});
  await drive(job({ system, stream: true, count: COUNTS.warmup, concurrency: 4 }));
  await drive(job({ system, stream: false, count: COUNTS.warmup, concurrency: 4 }));
  await sleep(500);
  await mock.configure(config);
  return true;
}

// Warm-up: JIT, connection pools, lazy imports — not measured.
await mock.configure({});
for (const system of running) {
  log(`warming ${system.name}`);
  await drive(job({ system, stream: true, count: COUNTS.warmup, concurrency: 4 }));
  await drive(job({ system, stream: false, count: COUNTS.warmup, concurrency: 4 }));
}

// 1. Added latency at c=1: stream TTFT and total, non-stream total; and upstream connections.
{
  log('scenario: latency at c=1');
  await dropUnresponsive('latency at c=1');
  const loadBefore = load();
  await mock.configure({ ttftMs: 0, gapMs: 0, chunks: 20 });
  const perSystem = Object.fromEntries(
    running.map(({ name }) => [
      name,
      {
        ttft: [],
        streamTotal: [],
        nonStream: [],
        errors: 0,
        upstreamConnections: 0,
        upstreamRequests: 0,
        contentEvents: [],
      },
    ]),
  );
  for (let round = 0; round < COUNTS.latencyRounds; round++) {
    for (const system of shuffled({ items: running })) {
      const entry = perSystem[system.name];
      const before = await mock.stats();
      const streamed = await drive(
        job({ system, stream: true, count: COUNTS.latencyPerRound, concurrency: 1 }),
      );
      const after = await mock.stats();
      const plain = await drive(
        job({ system, stream: false, count: COUNTS.latencyPerRound, concurrency: 1 }),
      );
      const ok = streamed.records.filter((record) => !record.error && record.status === 200);
      entry.ttft.push(ok.map((record) => record.ttfcMs));
      entry.streamTotal.push(ok.map((record) => record.totalMs));
      entry.nonStream.push(
        plain.records.filter((record) => record.status === 200).map((record) => record.totalMs),
      );
      entry.contentEvents.push(...ok.map((record) => record.contentEvents));
      entry.errors += summary(streamed.records).errors + summary(plain.records).errors;
      entry.firstError ??=
        summary(streamed.records).firstError ?? summary(plain.records).firstError;
      // Stream requests only (the mock is asked nothing else meanwhile), from the second round:
      // the first round may still open the pool's connections.
      if (round > 0) {
        entry.upstreamConnections += after.connections - before.connections;
        entry.upstreamRequests += after.requests - before.requests;
      }
    }
  }
  results.scenarios.latency = { loadBefore, loadAfter: load(), perSystem };
}

// 2. Throughput at c=32 per CPU-second: non-stream requests, and streamed tokens.
{
  log('scenario: throughput at c=32');
  await dropUnresponsive('throughput at c=32');
  const loadBefore = load();
  await mock.configure({ ttftMs: 0, gapMs: 0, chunks: 20 });
  const perSystem = Object.fromEntries(
    running.map(({ name }) => [
      name,
      {
        requestsPerCpuSecond: [],
        tokensPerCpuSecond: [],
        requestsPerSecond: [],
        tokensPerSecond: [],
        errors: 0,
      },
    ]),
  );
  // /proc counts CPU in 10 ms ticks: a batch the relay serves in 40 ms would be ±25 %. So each
  // measurement repeats its batch until the system has used COUNTS.minCpuSeconds (or
  // COUNTS.maxBatches ran): ±2 % at 0.5 s, whatever the system's speed.
  const measure = async ({ system, stream, count }) => {
    const before = cpuOf(system);
    const records = [];
    let wallMs = 0;
    for (let batch = 0; batch < COUNTS.maxBatches; batch++) {
      const result = await drive(job({ system, stream, count, concurrency: 32 }));
      records.push(...result.records);
      wallMs += result.wallMs;
      if (!before || cpuOf(system).cpuSeconds - before.cpuSeconds >= COUNTS.minCpuSeconds) break;
    }
    const cpuSeconds = before ? cpuOf(system).cpuSeconds - before.cpuSeconds : undefined;
    return { records, wallMs, cpuSeconds };
  };
  for (let round = 0; round < COUNTS.throughputRounds; round++) {
    for (const system of shuffled({ items: running })) {
      const entry = perSystem[system.name];
      const plain = await measure({ system, stream: false, count: COUNTS.throughputRequests });
      const okPlain = plain.records.filter((record) => record.status === 200).length;
      if (plain.cpuSeconds !== undefined)
        entry.requestsPerCpuSecond.push(okPlain / Math.max(0.01, plain.cpuSeconds));
      entry.requestsPerSecond.push(okPlain / (plain.wallMs / 1000));
      const streamed = await measure({ system, stream: true, count: COUNTS.throughputStreams });
      const tokens = streamed.records.reduce((sum, record) => sum + (record.contentEvents ?? 0), 0);
      if (streamed.cpuSeconds !== undefined)
        entry.tokensPerCpuSecond.push(tokens / Math.max(0.01, streamed.cpuSeconds));
      entry.tokensPerSecond.push(tokens / (streamed.wallMs / 1000));
      entry.cpuSecondsMeasured =
        (entry.cpuSecondsMeasured ?? 0) + (plain.cpuSeconds ?? 0) + (streamed.cpuSeconds ?? 0);
      entry.errors += summary(plain.records).errors + summary(streamed.records).errors;
      entry.firstError ??=
        summary(plain.records).firstError ?? summary(streamed.records).firstError;
    }
  }
  results.scenarios.throughput = { loadBefore, loadAfter: load(), perSystem };
}

// 3. Chunk fidelity: 20 chunks 10 ms apart; one downstream event per chunk, one terminal.
{
  log('scenario: chunk fidelity');
  await dropUnresponsive('chunk fidelity');
  const loadBefore = load();
  const gapMs = 10;
  await mock.configure({ ttftMs: 0, gapMs, chunks: 20 });
  const perSystem = {};
  for (const system of shuffled({ items: running })) {
    const { records } = await drive(
      job({
        system,
        stream: true,
        count: COUNTS.fidelityStreams,
        concurrency: 4,
        recordGaps: true,
      }),
    );
    const gaps = records.flatMap((record) => record.gaps ?? []);
    perSystem[system.name] = {
      streams: records.length,
      contentEvents: records.map((record) => record.contentEvents),
      terminalEvents: records.map((record) => record.terminalEvents),
      errors: summary(records).errors,
      gaps,
      burstShare: gaps.length
        ? gaps.filter((gap) => gap < gapMs / 3).length / gaps.length
        : Number.NaN,
    };
  }
  results.scenarios.fidelity = { loadBefore, loadAfter: load(), gapMs, chunks: 20, perSystem };
}

// 4. Memory per idle stream: N streams open, the upstream silent (long time to first token).
{
  log('scenario: idle streams');
  // No probe here: each system is restarted below, which also clears any stuck state.
  const loadBefore = load();
  const ttftMs = COUNTS.idleTtftMs;
  const idleConfig = { ttftMs, gapMs: 0, chunks: 1 };
  const perSystem = {};
  for (const system of shuffled({ items: running })) {
    if (!system.pid) continue;
    if (!(await restartFresh({ system, scenario: 'idle streams', config: idleConfig }))) continue;
    const baseline = cpuOf(system).rssBytes;
    const mockBefore = await mock.stats();
    const pending = drive(
      job({
        system,
        stream: true,
        count: COUNTS.idleStreams,
        concurrency: COUNTS.idleStreams,
        deadlineMs: ttftMs + 20_000,
      }),
    );
    await sleep(ttftMs - 1000);
    const open = cpuOf(system).rssBytes;
    const stats = await mock.stats();
    const { records } = await pending;
    perSystem[system.name] = {
      baselineBytes: baseline,
      openBytes: open,
      perStreamBytes: (open - baseline) / COUNTS.idleStreams,
      errors: summary(records).errors,
      firstError: summary(records).firstError,
      // How many of the streams had reached the upstream when RSS was sampled.
      upstreamRequestsWhenSampled: stats.requests - mockBefore.requests,
    };
  }
  results.scenarios.idle = {
    loadBefore,
    loadAfter: load(),
    streams: COUNTS.idleStreams,
    ttftMs,
    perSystem,
  };
}

// 5. N concurrent streams at 50 tokens/s (a chunk every 20 ms, 50 chunks): real time? RSS?
{
  log('scenario: concurrent streams');
  // No probe here: each system is restarted below, which also clears any stuck state.
  const loadBefore = load();
  const gapMs = 20;
  const chunks = 50;
  const idealMs = (chunks - 1) * gapMs;
  const activeConfig = { ttftMs: 0, gapMs, chunks };
  const perSystem = {};
  for (const system of shuffled({ items: running })) {
    if (system.pid) {
      if (!(await restartFresh({ system, scenario: 'concurrent streams', config: activeConfig }))) {
        continue;
      }
    } else await mock.configure(activeConfig);
    const before = cpuOf(system);
    let peakRss = before?.rssBytes ?? 0;
    const pending = drive(
      job({
        system,
        stream: true,
        count: COUNTS.concurrentStreams,
        concurrency: COUNTS.concurrentStreams,
        deadlineMs: COUNTS.deadlineMs,
      }),
    );
    let finished = false;
    pending.then(() => {
      finished = true;
    });
    while (!finished && system.pid) {
      peakRss = Math.max(peakRss, cpuOf(system).rssBytes);
      await sleep(100);
    }
    const { records, wallMs } = await pending;
    const after = cpuOf(system);
    // A system cut at the deadline may still be unwinding its streams; let it settle.
    await sleep(2000);
    const completed = records.filter(
      (record) => record.status === 200 && !record.error && record.terminalEvents === 1,
    );
    perSystem[system.name] = {
      streams: records.length,
      completed: completed.length,
      deadlineHit: records.filter(
        (record) => record.error?.includes('deadline') || record.error?.includes('abort'),
      ).length,
      errors: summary(records).errors,
      firstError: summary(records).firstError,
      // Whole request time (connection, first token, all chunks, end) over the ideal stream
      // time, (chunks − 1) × gap: everything a client waited, the 1,000-connection storm included.
      realTimeFactors: records.map(
        (record) => (record.error ? COUNTS.deadlineMs : record.totalMs) / idealMs,
      ),
      // Pacing alone: first content event → last, over the same ideal. Keeping up with the
      // upstream's 50 tokens/s once streams run, without the time to open them.
      pacingFactors: records.map((record) =>
        record.error
          ? COUNTS.deadlineMs / idealMs
          : (record.lastContentMs - record.ttfcMs) / idealMs,
      ),
      ttfcMs: records.filter((record) => !record.error).map((record) => record.ttfcMs),
      wallMs,
      cpuSeconds: before ? after.cpuSeconds - before.cpuSeconds : undefined,
      baselineRssBytes: before?.rssBytes,
      peakRssBytes: before ? peakRss : undefined,
      perActiveStreamBytes: before
        ? (peakRss - before.rssBytes) / COUNTS.concurrentStreams
        : undefined,
    };
  }
  results.scenarios.concurrent = {
    loadBefore,
    loadAfter: load(),
    streams: COUNTS.concurrentStreams,
    gapMs,
    chunks,
    idealMs,
    deadlineMs: COUNTS.deadlineMs,
    perSystem,
  };
}

// 6. Payload slope: stream TTFT at c=1 with 4 KB, 40 KB and 400 KB prompts.
{
  log('scenario: payload slope');
  await dropUnresponsive('payload slope');
  const loadBefore = load();
  await mock.configure({ ttftMs: 0, gapMs: 0, chunks: 20 });
  const sizes = [4, 40, 400];
  const perSystem = Object.fromEntries(
    running.map(({ name }) => [name, Object.fromEntries(sizes.map((size) => [size, []]))]),
  );
  for (let round = 0; round < COUNTS.payloadRounds; round++) {
    for (const size of sizes) {
      const prompt = 'lorem ipsum dolor sit amet '
        .repeat(Math.ceil((size * 1024) / 27))
        .slice(0, size * 1024);
      for (const system of shuffled({ items: running })) {
        const { records } = await drive(
          job({ system, stream: true, count: COUNTS.payloadPerRound, concurrency: 1, prompt }),
        );
        perSystem[system.name][size].push(
          records
            .filter((record) => record.status === 200 && !record.error)
            .map((record) => record.ttfcMs),
        );
      }
    }
  }
  results.scenarios.payload = { loadBefore, loadAfter: load(), sizesKiB: sizes, perSystem };
}

results.finishedAt = new Date().toISOString();
results.loadAtEnd = load();
for (const system of running) await system.stop();
driverProcess.send({ type: 'exit' });
mockProcess.kill();
writeFileSync(
  join(outDirectory, quick ? 'gateway-quick.json' : 'gateway.json'),
  `${JSON.stringify(results)}\n`,
);
await writeReport({ results, outDirectory, quick });
log(`wrote ${join(outDirectory, quick ? 'gateway-quick.md' : 'gateway.md')}`);
