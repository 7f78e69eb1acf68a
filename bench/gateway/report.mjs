/**
 * Turns the benchmark's figures (run.mjs) into bench/results/gateway.md and its PNG charts.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { barChart, cdfChart } from './lib/charts.mjs';
import { addedOverBaseline, median, medianOfMedians, percentile } from './lib/stats.mjs';

const KiB = 1024;
const format = (value, digits = 2) =>
  Number.isFinite(value)
    ? Math.abs(value) >= 100
      ? Math.round(value).toLocaleString('en-US')
      : value.toFixed(digits)
    : '—';
const times = (value) => (Number.isFinite(value) ? `${format(value)}×` : '—');
const ratio = (numerator, denominator) =>
  Number.isFinite(numerator) && Number.isFinite(denominator) && denominator !== 0
    ? `${(numerator / denominator).toFixed(2)}×`
    : '—';

async function writePng({ svg, path }) {
  // Imported here, not at the top: run.mjs loads this module before setup has installed it.
  const { Resvg } = await import('@resvg/resvg-js');
  const png = new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } })
    .render()
    .asPng();
  writeFileSync(path, png);
}

/** The headline figures, computed once for the tables and the targets. */
export function headlineFigures(results) {
  const latency = results.scenarios.latency?.perSystem ?? {};
  const throughput = results.scenarios.throughput?.perSystem ?? {};
  const concurrent = results.scenarios.concurrent?.perSystem ?? {};
  const idle = results.scenarios.idle?.perSystem ?? {};
  const added = (name, field) =>
    latency[name] && latency.direct
      ? addedOverBaseline({ system: latency[name][field], baseline: latency.direct[field] })
      : Number.NaN;
  const rate = (name, field) => median(throughput[name]?.[field] ?? []);
  const figures = {};
  for (const name of Object.keys(latency)) {
    const entry = latency[name];
    figures[name] = {
      ttft: medianOfMedians(entry.ttft),
      ttftP99: percentile({ values: entry.ttft.flat(), p: 99 }),
      addedTtft: added(name, 'ttft'),
      streamTotal: medianOfMedians(entry.streamTotal),
      addedStreamTotal: added(name, 'streamTotal'),
      nonStream: medianOfMedians(entry.nonStream),
      nonStreamP99: percentile({ values: entry.nonStream.flat(), p: 99 }),
      addedNonStream: added(name, 'nonStream'),
      connectionsPerRequest:
        entry.upstreamRequests > 0
          ? entry.upstreamConnections / entry.upstreamRequests
          : Number.NaN,
      requestsPerCpuSecond: rate(name, 'requestsPerCpuSecond'),
      tokensPerCpuSecond: rate(name, 'tokensPerCpuSecond'),
      requestsPerSecond: rate(name, 'requestsPerSecond'),
      tokensPerSecond: rate(name, 'tokensPerSecond'),
      realTimeP50: median(concurrent[name]?.realTimeFactors ?? []),
      realTimeP99: percentile({ values: concurrent[name]?.realTimeFactors ?? [], p: 99 }),
      // Runs before this field existed have no pacing figures: NaN prints as "—".
      pacingP50: median(concurrent[name]?.pacingFactors ?? []),
      pacingP99: percentile({ values: concurrent[name]?.pacingFactors ?? [], p: 99 }),
      concurrentTtftP50: median(concurrent[name]?.ttfcMs ?? []),
      // The same measure as tokensPerCpuSecond on paced streams: every token of the 1,000
      // streams (50 each) over the system's CPU seconds for the whole batch.
      concurrentTokensPerCpuSecond:
        concurrent[name]?.cpuSeconds > 0
          ? (concurrent[name].completed * (results.scenarios.concurrent?.chunks ?? 0)) /
            concurrent[name].cpuSeconds
          : Number.NaN,
      activeStreamBytes: concurrent[name]?.perActiveStreamBytes ?? Number.NaN,
      idleStreamBytes: idle[name]?.perStreamBytes ?? Number.NaN,
    };
  }
  return figures;
}

/** Writes the markdown report and its charts into `outDirectory`. */
export async function writeReport({ results, outDirectory, quick }) {
  const suffix = quick ? '-quick' : '';
  const figures = headlineFigures(results);
  const names = results.systems.map(({ name }) => name);
  const labelOf = Object.fromEntries(results.systems.map(({ name, label }) => [name, label]));
  const served = names.filter((name) => name !== 'direct');
  const f = (name) => figures[name] ?? {};
  const { latency, throughput, fidelity, concurrent, idle, payload } = results.scenarios;
  const loadLine = (scenario) =>
    scenario
      ? `load average ${scenario.loadBefore.join(' / ')} before, ${scenario.loadAfter.join(' / ')} after (1 / 5 / 15 min)`
      : '';
  const lines = [];
  const push = (...text) => lines.push(...text);

  push(
    `# Gateway benchmark${quick ? ' (quick smoke run — small counts, not for comparison)' : ''}`,
    '',
    `Run ${results.startedAt} → ${results.finishedAt}. Machine: ${results.machine.cpus} × ${results.machine.cpuModel}, ${results.machine.memoryGiB} GiB, Linux ${results.machine.kernel}, Node ${results.machine.node}.`,
    `Load average at the end: ${results.loadAtEnd.join(' / ')}. **The machine was shared** with other work while this ran (see the load average beside each scenario): absolute figures move with it; the ratios measured in the same interleaved rounds are the reliable part.`,
    '',
    "Reproduce: `npm run bench:gateway` (full, ≲ 20 min) or `npm run bench:gateway -- --quick` (smoke, < 3 min). Options: `-- --systems direct,relay,catalyst` to run a subset, `-- --no-setup` to skip installs. Method and the peers' setup: `bench/gateway/README.md`.",
    '',
  );
  if (results.couldNotRun.length > 0) {
    push('**Could not run:**', '');
    for (const { name, reason } of results.couldNotRun)
      push(`- ${name}: ${reason.replace(/\s+/g, ' ')}`);
    push('');
  }

  // Headline ratios against the issue's targets.
  // Streams cut at the deadline count as the deadline, so their factor is a lower bound.
  const realTime = (name) => {
    const x = concurrent?.perSystem[name];
    if (!x) return '—';
    const bound = x.completed < x.streams ? '≥ ' : '';
    return `${bound}${format(f(name).realTimeP50)}× (p99 ${bound}${format(f(name).realTimeP99)}×)${x.completed < x.streams ? `, ${x.streams - x.completed} of ${x.streams} unfinished at the deadline` : ''}`;
  };
  const pacing = (name) =>
    concurrent?.perSystem[name]
      ? `${times(f(name).pacingP50)} (p99 ${times(f(name).pacingP99)})`
      : '—';
  // CPU seconds a system spent on the batch ÷ the batch's ideal time: how many cores it needs to
  // keep real time. Above 1, one core cannot, however the work is scheduled.
  const coresNeeded = (name) => {
    const x = concurrent?.perSystem[name];
    return x?.cpuSeconds === undefined ? Number.NaN : x.cpuSeconds / (concurrent.idealMs / 1000);
  };
  const catalyst = f('catalyst');
  const python = f('python');
  const relay = f('relay');
  const portkey = f('portkey');
  const litellm = f('litellm');
  push(
    '## Headline (issue 13 targets)',
    '',
    '| Measure | This run | Target |',
    '|---|---|---|',
    `| TS added TTFT p50, c=1 (vs relay) | ${format(catalyst.addedTtft)} ms vs ${format(relay.addedTtft)} ms = ${ratio(catalyst.addedTtft, relay.addedTtft)} the relay's | ≤ 2× |`,
    `| TS streamed tokens per CPU-second (vs relay), c=32, instant 20-chunk streams | ${format(catalyst.tokensPerCpuSecond)} vs ${format(relay.tokensPerCpuSecond)} = ${ratio(catalyst.tokensPerCpuSecond, relay.tokensPerCpuSecond)} | ≥ 0.5× |`,
    `| the same, ${concurrent?.streams ?? '—'} concurrent streams of 50 tokens at 50 tokens/s | ${format(catalyst.concurrentTokensPerCpuSecond)} vs ${format(relay.concurrentTokensPerCpuSecond)} = ${ratio(catalyst.concurrentTokensPerCpuSecond, relay.concurrentTokensPerCpuSecond)} | ≥ 0.5× |`,
    `| TS requests per CPU-second (vs Portkey) | ${format(catalyst.requestsPerCpuSecond)} vs ${format(portkey.requestsPerCpuSecond)} = ${ratio(catalyst.requestsPerCpuSecond, portkey.requestsPerCpuSecond)} | ≥ 3× |`,
    `| TS RSS per active stream | ${format(catalyst.activeStreamBytes / KiB, 1)} KiB (relay ${format(relay.activeStreamBytes / KiB, 1)} KiB) | ≤ 32 KiB |`,
    `| ${concurrent?.streams ?? '—'} streams × 50 tokens/s on one core: whole request time ÷ real time, p50 | TS ${realTime('catalyst')}; relay ${realTime('relay')}; direct (harness ceiling) ${realTime('direct')} | keeps real time (≈ 1×) |`,
    `| the same streams, pacing only (first token → last) ÷ real time, p50 | TS ${pacing('catalyst')}; relay ${pacing('relay')}; direct ${pacing('direct')} | (≈ 1×) |`,
    `| the same streams, CPU-seconds spent ÷ ideal stream time (cores needed to keep real time) | TS ${format(coresNeeded('catalyst'))}; relay ${format(coresNeeded('relay'))} | (≤ 1 on one core) |`,
    `| Python added TTFT p50, c=1 | ${format(python.addedTtft)} ms | ≤ 3 ms |`,
    `| Python new upstream TCP connections per request | ${format(python.connectionsPerRequest)} | 0 at steady state |`,
    `| Python requests per CPU-second (vs LiteLLM) | ${format(python.requestsPerCpuSecond)} vs ${format(litellm.requestsPerCpuSecond)} = ${ratio(python.requestsPerCpuSecond, litellm.requestsPerCpuSecond)} | ≥ 10× |`,
    '',
  );

  if (latency) {
    push(
      '## Added latency at c=1',
      '',
      `Mock: 20 chunks, instant (no TTFT, no gap). ${latency.perSystem.direct?.ttft.length ?? 0} rounds × ${results.counts.latencyPerRound} requests per system per round, systems in a new random order each round. Medians are medians of round medians; "added" is the median over rounds of (system − direct) in the same round; p99 over all samples. ${loadLine(latency)}.`,
      '',
      '| System | TTFT p50 | added TTFT | TTFT p99 | stream total p50 | added | non-stream p50 | added | non-stream p99 | upstream TCP connections per request | errors |',
      '|---|---|---|---|---|---|---|---|---|---|---|',
    );
    for (const name of names) {
      if (!latency.perSystem[name]) continue;
      const x = f(name);
      push(
        `| ${labelOf[name]} | ${format(x.ttft)} ms | ${name === 'direct' ? '—' : `+${format(x.addedTtft)} ms`} | ${format(x.ttftP99)} ms | ${format(x.streamTotal)} ms | ${name === 'direct' ? '—' : `+${format(x.addedStreamTotal)} ms`} | ${format(x.nonStream)} ms | ${name === 'direct' ? '—' : `+${format(x.addedNonStream)} ms`} | ${format(x.nonStreamP99)} ms | ${name === 'direct' ? '(client)' : format(x.connectionsPerRequest)} | ${latency.perSystem[name].errors}${latency.perSystem[name].firstError ? ` (${String(latency.perSystem[name].firstError).slice(0, 60)})` : ''} |`,
      );
    }
    push('', 'Added TTFT against the relay floor and each peer (row ÷ column):', '');
    push(
      `| | ${served.map((name) => name).join(' | ')} |`,
      `|---|${served.map(() => '---').join('|')}|`,
    );
    for (const row of served)
      push(
        `| ${row} | ${served.map((column) => ratio(f(row).addedTtft, f(column).addedTtft)).join(' | ')} |`,
      );
    push(
      '',
      `![TTFT distribution](gateway${suffix}-ttft.png)`,
      `![Non-stream latency distribution](gateway${suffix}-nonstream.png)`,
      '',
    );
  }

  if (throughput) {
    push(
      '## Throughput at c=32, per CPU-second of the system',
      '',
      `Non-stream: batches of ${results.counts.throughputRequests} requests; streamed: batches of ${results.counts.throughputStreams} streams of 20 chunks; each measurement repeats its batch until the system has used ${results.counts.minCpuSeconds ?? '—'} CPU-seconds (at most ${results.counts.maxBatches ?? 1} batches), since /proc counts in 10 ms ticks; ${results.counts.throughputRounds} rounds, median of rounds. CPU = utime + stime of the system's process tree (/proc/PID/stat) over the measurement; the mock and the driver run on the other core and are not counted. Wall-clock rates are shown for context only (the driver shares a core with the mock). ${loadLine(throughput)}.`,
      '',
      '| System | requests / CPU-s | streamed tokens / CPU-s | CPU ms per request | requests / s (wall) | tokens / s (wall) | req/CPU-s vs relay | vs Portkey | vs LiteLLM | errors |',
      '|---|---|---|---|---|---|---|---|---|---|',
    );
    for (const name of names) {
      if (!throughput.perSystem[name]) continue;
      const x = f(name);
      push(
        `| ${labelOf[name]} | ${format(x.requestsPerCpuSecond)} | ${format(x.tokensPerCpuSecond)} | ${format(1000 / x.requestsPerCpuSecond)} | ${format(x.requestsPerSecond)} | ${format(x.tokensPerSecond)} | ${ratio(x.requestsPerCpuSecond, relay.requestsPerCpuSecond)} | ${ratio(x.requestsPerCpuSecond, portkey.requestsPerCpuSecond)} | ${ratio(x.requestsPerCpuSecond, litellm.requestsPerCpuSecond)} | ${throughput.perSystem[name].errors} |`,
      );
    }
    push('', `![Per CPU-second](gateway${suffix}-per-cpu.png)`, '');
  }

  if (fidelity) {
    push(
      '## Chunk fidelity',
      '',
      `Mock: ${fidelity.chunks} chunks ${fidelity.gapMs} ms apart; ${results.counts.fidelityStreams} streams per system, 4 at a time. A faithful proxy forwards one content event per upstream chunk as it arrives (gaps ≈ ${fidelity.gapMs} ms) and ends with exactly one terminal event (\`[DONE]\`, or Catalyst's \`done\`/\`error\`). "Burst share" = share of gaps under ${format(fidelity.gapMs / 3, 1)} ms (chunks held back and sent together). ${loadLine(fidelity)}.`,
      '',
      '| System | content events per stream (min–max) | terminal events per stream (min–max) | gap p50 | gap p99 | burst share | errors |',
      '|---|---|---|---|---|---|---|',
    );
    for (const name of names) {
      const x = fidelity.perSystem[name];
      if (!x) continue;
      const range = (values) =>
        values.length ? `${Math.min(...values)}–${Math.max(...values)}` : '—';
      push(
        `| ${labelOf[name]} | ${range(x.contentEvents)} | ${range(x.terminalEvents)} | ${format(median(x.gaps))} ms | ${format(percentile({ values: x.gaps, p: 99 }))} ms | ${format(x.burstShare * 100, 1)} % | ${x.errors} |`,
      );
    }
    push('');
  }

  if (concurrent) {
    push(
      `## ${concurrent.streams} concurrent streams at 50 tokens/s, and memory per stream`,
      '',
      `Mock: ${concurrent.chunks} chunks ${concurrent.gapMs} ms apart (ideal stream time ${concurrent.idealMs} ms), all ${concurrent.streams} streams opened at once. Real-time factor = whole request time (connect, first token, every chunk) ÷ ideal (1 = keeps real time; streams cut at the ${concurrent.deadlineMs / 1000} s deadline count as the deadline); pacing = first content event → last ÷ ideal, i.e. keeping up once the 1,000 connections are open; TTFT = time to the first content event with all of them opening at once. Cores needed = the system's CPU seconds over the batch ÷ the ideal stream time: above 1, one core cannot keep real time however the work is scheduled. RSS per active stream = (peak RSS during the batch − RSS before) ÷ streams. Idle: ${idle?.streams ?? '—'} streams open while the mock holds the first token for ${idle?.ttftMs ?? '—'} ms; RSS sampled 1 s before it answers. Before each of the two, every system is restarted and warmed up again (the same warm-up as at the start), so neither is hidden by a heap an earlier scenario grew. ${loadLine(concurrent)}; idle: ${loadLine(idle)}.`,
      '',
      '| System | completed | real-time factor p50 | p99 | pacing p50 | p99 | TTFT p50 | wall | system CPU | cores needed | RSS before → peak | RSS per active stream | RSS per idle stream | errors |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    );
    for (const name of names) {
      const x = concurrent.perSystem[name];
      if (!x) continue;
      push(
        `| ${labelOf[name]} | ${x.completed}/${x.streams} | ${x.completed < x.streams ? '≥ ' : ''}${format(f(name).realTimeP50)}× | ${x.completed < x.streams ? '≥ ' : ''}${format(f(name).realTimeP99)}× | ${times(f(name).pacingP50)} | ${times(f(name).pacingP99)} | ${format(f(name).concurrentTtftP50)} ms | ${format(x.wallMs / 1000)} s | ${x.cpuSeconds === undefined ? '—' : `${format(x.cpuSeconds)} s`} | ${format(coresNeeded(name))} | ${x.baselineRssBytes === undefined ? '—' : `${format(x.baselineRssBytes / 2 ** 20, 1)} → ${format(x.peakRssBytes / 2 ** 20, 1)} MiB`} | ${format(f(name).activeStreamBytes / KiB, 1)} KiB | ${format(f(name).idleStreamBytes / KiB, 1)} KiB | ${x.errors}${x.firstError ? ` (${String(x.firstError).slice(0, 60)})` : ''} |`,
      );
    }
    push('', `![RSS per stream](gateway${suffix}-rss.png)`, '');
  }

  if (payload) {
    push(
      '## Payload slope: TTFT at c=1 by prompt size',
      '',
      `Added TTFT (median over rounds of system − direct), ${results.counts.payloadRounds} rounds × ${results.counts.payloadPerRound} requests. ${loadLine(payload)}.`,
      '',
      `| System | ${payload.sizesKiB.map((size) => `${size} KiB`).join(' | ')} | ms per extra 100 KiB |`,
      `|---|${payload.sizesKiB.map(() => '---').join('|')}|---|`,
    );
    for (const name of names) {
      if (!payload.perSystem[name] || !payload.perSystem.direct) continue;
      const sizes = payload.sizesKiB;
      const values = sizes.map((size) =>
        name === 'direct'
          ? medianOfMedians(payload.perSystem.direct[size])
          : addedOverBaseline({
              system: payload.perSystem[name][size],
              baseline: payload.perSystem.direct[size],
            }),
      );
      const slope = ((values.at(-1) - values[0]) / (sizes.at(-1) - sizes[0])) * 100;
      push(
        `| ${labelOf[name]} | ${values.map((value) => `${name === 'direct' ? '' : '+'}${format(value)} ms`).join(' | ')} | ${format(slope)} |`,
      );
    }
    push('', '(direct: absolute TTFT.)', '');
  }

  push(
    '## Notes',
    '',
    '- **Portkey** (`@portkey-ai/gateway` 1.15.2) is run with a one-line patch to its `@hono/node-server` (the setup applies it idempotently; `bench/gateway/setup.mjs` explains it): unpatched, every streaming request fails on Node 20 with `TypeError: immutable`. Its stream handler also **waits 25 ms before the first chunk** (`setTimeout(…, 25)` in `build/start-server.js`); that wait is in its TTFT above and is not removed.',
    '- **LiteLLM** runs with a master key (sent as the bearer token), `LITELLM_LOCAL_MODEL_COST_MAP=True` (no outside network), one worker, no database.',
    '- **direct** has no process of its own, so no CPU or RSS figures; it is the latency baseline and shows what the driver and the mock alone can do (for the concurrent-stream scenario, the harness ceiling).',
    '- CPU seconds come from /proc in 10 ms ticks; a throughput measurement repeats its batch until the system used the minimum above (±2 % at 0.5 s), and the concurrent-stream batches use seconds of CPU.',
    '',
  );
  writeFileSync(join(outDirectory, `gateway${suffix}.md`), `${lines.join('\n')}\n`);

  // Charts.
  if (latency) {
    await writePng({
      svg: cdfChart({
        title: 'Time to first token, c=1, 20-chunk stream (CDF)',
        unit: 'ms',
        series: names
          .filter((name) => latency.perSystem[name])
          .map((name) => ({ name, values: latency.perSystem[name].ttft.flat() })),
      }),
      path: join(outDirectory, `gateway${suffix}-ttft.png`),
    });
    await writePng({
      svg: cdfChart({
        title: 'Non-stream latency, c=1 (CDF)',
        unit: 'ms',
        series: names
          .filter((name) => latency.perSystem[name])
          .map((name) => ({ name, values: latency.perSystem[name].nonStream.flat() })),
      }),
      path: join(outDirectory, `gateway${suffix}-nonstream.png`),
    });
  }
  if (throughput) {
    await writePng({
      svg: barChart({
        title: 'Work per CPU-second of the system, c=32 (log scale)',
        unit: 'per CPU-second',
        categories: served,
        series: [
          {
            name: 'requests (non-stream)',
            values: served.map((name) => f(name).requestsPerCpuSecond),
          },
          { name: 'streamed tokens', values: served.map((name) => f(name).tokensPerCpuSecond) },
        ],
        log: true,
      }),
      path: join(outDirectory, `gateway${suffix}-per-cpu.png`),
    });
  }
  if (concurrent) {
    await writePng({
      svg: barChart({
        title: 'RSS per stream',
        unit: 'KiB',
        categories: served,
        series: [
          { name: 'active stream', values: served.map((name) => f(name).activeStreamBytes / KiB) },
          { name: 'idle stream', values: served.map((name) => f(name).idleStreamBytes / KiB) },
        ],
      }),
      path: join(outDirectory, `gateway${suffix}-rss.png`),
    });
  }
}
