import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { type RunningSimulator, startSimulator } from '@catalyst/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// `catalyst serve` as an operator runs it: a real process, a real SIGTERM. Needs `npx tsc -b`
// (it runs packages/cli/dist/bin.js, as the installed `catalyst` command does).

const REPOSITORY_ROOT = join(import.meta.dirname, '..', '..', '..');
const BIN = join(REPOSITORY_ROOT, 'packages', 'cli', 'dist', 'bin.js');
let simulator: RunningSimulator;

beforeAll(async () => {
  simulator = await startSimulator({ port: 0 });
});
afterAll(async () => {
  await simulator.close();
});

function startServe(
  extraArgs: string[],
): Promise<{ child: ChildProcess; url: string; stderr: () => string }> {
  const child = spawn(
    process.execPath,
    [BIN, 'serve', join(REPOSITORY_ROOT, 'examples', 'chat.json'), '--port', '0', ...extraArgs],
    {
      cwd: REPOSITORY_ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        ANTHROPIC_API_KEY: 'sk-ant-test-0000',
        ANTHROPIC_BASE_URL: simulator.url,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /on (http:\/\/[^\s]+)/.exec(stdout);
      if (match?.[1]) resolve({ child, url: match[1], stderr: () => stderr });
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
  });
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('catalyst serve shutdown (real process, real signal)', () => {
  it('on SIGTERM ends a stream still running after the grace period with a retryable unavailable error, then exits 0', async () => {
    simulator.reset();
    const { child, url, stderr } = await startServe(['--shutdown-grace', '200']);
    const exited = exitOf(child);
    const response = await fetch(`${url}/workflows/chat/stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        question: `${'word '.repeat(40)}[[sim {"timing":{"tokenDelayMs":100}}]]`,
      }),
    });
    const reader = response.body?.getReader();
    if (!reader) throw new Error('no body');
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes('event: token')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    child.kill('SIGTERM');
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    const frames = text.split('\n\n').filter((frame) => frame.startsWith('id: '));
    expect(frames.at(-1)).toMatch(/^id: [0-9a-f-]{36}:\d+\n/);
    expect(frames.at(-1)?.replace(/^id: .*\n/, '')).toBe(
      'event: error\ndata: {"kind":"unavailable","message":"the server is shutting down; retry the request","retryable":true}',
    );
    expect(await exited).toBe(0);
    // One access-log line for the stream, as JSON (stderr is not a terminal here).
    const logLines = stderr()
      .split('\n')
      .filter((line) => line.includes('"path":"/workflows/chat/stream"'));
    expect(logLines).toHaveLength(1);
    expect(JSON.parse(logLines[0] ?? '{}')).toMatchObject({
      status: 200,
      errorKind: 'unavailable',
    });
  }, 20_000);

  it('exits 0 at once on SIGTERM when idle', async () => {
    const { child } = await startServe([]);
    const exited = exitOf(child);
    const started = Date.now();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(2000);
  }, 20_000);
});
