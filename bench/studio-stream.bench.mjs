// Streaming into Catalyst Studio at 1 ms per token: does the page keep up?
// Starts the studio API and the provider simulator in this process, drives Debian's Chromium
// (playwright-core, /usr/bin/chromium) through a run of a long reply, and reports tokens/s,
// frame times and the lag between the `done` event and a complete transcript.
// Run: npm run bench:studio   (not part of CI; results go to bench/results/studio-stream.json)
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveNode } from '@catalyst/runtime';
import { startSimulator } from '@catalyst/simulator';
import { createStudioApp } from '@catalyst/studio-server';
// The end-to-end tests' launcher (Debian's Chromium, same flags), from the build.
import { launchChromium } from '../packages/runtime/dist/testing/launch-chromium.js';

const TOKENS = Number(process.env.TOKENS ?? 4000);
const directory = mkdtempSync(join(tmpdir(), 'studio-bench-'));
// chat.json caps replies at 1,024 tokens; the benchmark's reply is longer.
const workflow = JSON.parse(
  readFileSync(new URL('../examples/chat.json', import.meta.url), 'utf8'),
);
workflow.nodes[1].config.maxTokens = TOKENS * 2;
writeFileSync(join(directory, 'chat.json'), JSON.stringify(workflow, null, 2));
const simulator = await startSimulator({ port: 0 });
const studio = createStudioApp({ directory, environment: {}, simulatorUrl: simulator.url });
const server = await serveNode(studio, { port: 0, host: '127.0.0.1' });
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  await page.goto(`${server.url}/#file=chat.json`);
  await page.locator('[data-testid=node-answer]').waitFor();
  await page.click('[data-testid=tab-run]');
  // The simulator streams about 4 characters per token: "word " is one token.
  const text = Array.from({ length: TOKENS }, (_, index) => `w${index % 100}`.padEnd(4, 'x')).join(
    '',
  );
  const directive = JSON.stringify({
    reply: { text },
    timing: { firstTokenMs: 0, tokenDelayMs: 1 },
  });
  await page.fill('#input_question', `Go [[sim ${directive}]]`);
  await page.evaluate(() => {
    const state = { frames: [], doneAt: 0, completeAt: 0, startedAt: 0, expected: 0 };
    window.bench = state;
    let last = performance.now();
    const tick = (now) => {
      // [end of the frame, its length]: split into idle and streaming frames afterwards.
      state.frames.push([now, now - last]);
      last = now;
      if (state.completeAt === 0) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    const phase = document.querySelector('[data-testid=run-phase]');
    const transcript = document.querySelector('[data-testid=transcript]');
    new MutationObserver(() => {
      if (phase.textContent === 'done' && state.doneAt === 0) state.doneAt = performance.now();
    }).observe(phase, { subtree: true, childList: true, characterData: true });
    new MutationObserver(() => {
      if (state.startedAt === 0 && transcript.textContent.length > 0)
        state.startedAt = performance.now();
      if (
        state.expected > 0 &&
        transcript.textContent.length >= state.expected &&
        state.completeAt === 0
      ) {
        state.completeAt = performance.now();
      }
    }).observe(transcript, { subtree: true, childList: true, characterData: true });
  });
  const expected = text.length;
  await page.evaluate((length) => {
    window.bench.expected = length;
  }, expected);
  // The same page idle for 3 s first: the baseline a streaming frame is compared with, measured
  // in the same run (headless Chromium on a shared machine misses frames of its own).
  await page.waitForTimeout(3_000);
  const loadBefore = loadavg();
  // TRACE=file.json records a Chromium performance trace of the run (what a long frame did).
  if (process.env.TRACE) await browser.startTracing(page, { path: process.env.TRACE });
  await page.click('[data-testid=run]');
  await page
    .waitForFunction(() => window.bench.completeAt > 0 && window.bench.doneAt > 0, null, {
      timeout: 120_000,
    })
    .catch(async (error) => {
      const phase = await page.textContent('[data-testid=run-phase]');
      const log = await page
        .locator('[data-testid=run-log]')
        .textContent()
        .catch(() => '');
      const length = (await page.textContent('[data-testid=transcript]')).length;
      throw new Error(
        `the run did not complete (${phase}, ${length}/${expected} characters): ${log}`,
        {
          cause: error,
        },
      );
    });
  if (process.env.TRACE) await browser.stopTracing();
  const state = await page.evaluate(() => window.bench);
  const tokenCount = Number((await page.textContent('[data-testid=token-count]')).split(' ')[0]);
  const framesWithin = (from, to) =>
    state.frames
      .slice(1)
      .filter(([end]) => end > from && end <= to)
      .map(([, length]) => length)
      .sort((a, b) => a - b);
  const summary = (frames) => {
    const quantile = (q) => frames[Math.min(frames.length - 1, Math.floor(q * frames.length))];
    // A frame longer than 1.5 vsync intervals (16.7 ms at 60 Hz) missed at least one.
    const dropped = frames.filter((frame) => frame > 25).length;
    return {
      frames: frames.length,
      p50: Number(quantile(0.5).toFixed(1)),
      p95: Number(quantile(0.95).toFixed(1)),
      max: Number(frames.at(-1).toFixed(1)),
      droppedShare: Number((dropped / frames.length).toFixed(3)),
      over50Ms: frames.filter((frame) => frame > 50).length,
    };
  };
  const idleFrames = framesWithin(state.startedAt - 3_500, state.startedAt - 500);
  const streamFrames = framesWithin(state.startedAt, state.completeAt);
  const seconds = (state.completeAt - state.startedAt) / 1000;
  const report = {
    date: new Date().toISOString(),
    tokens: tokenCount,
    streamSeconds: Number(seconds.toFixed(3)),
    tokensPerSecond: Math.round(tokenCount / seconds),
    frameMs: { idle: summary(idleFrames), streaming: summary(streamFrames) },
    transcriptLagAfterDoneMs: Number(Math.max(0, state.completeAt - state.doneAt).toFixed(1)),
    // Frame times depend on what else the machine runs: 1-minute load average before and after.
    loadAverage: { before: loadBefore[0], after: loadavg()[0] },
  };
  console.log(JSON.stringify(report, null, 2));
  writeFileSync(
    new URL('./results/studio-stream.json', import.meta.url),
    `${JSON.stringify(report, null, 2)}\n`,
  );
} finally {
  await browser.close();
  await server.close();
  await studio.close();
  await simulator.close();
  rmSync(directory, { recursive: true, force: true });
}
