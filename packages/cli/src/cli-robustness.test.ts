import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningSimulator, startSimulator } from '@catalyst/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandIo } from './io.js';
import { main } from './main.js';

const root = join(import.meta.dirname, '..', '..', '..');
let simulator: RunningSimulator;
let directory: string;

beforeAll(async () => {
  simulator = await startSimulator({ port: 0 });
  directory = mkdtempSync(join(tmpdir(), 'catalyst-cli-'));
});
afterAll(async () => {
  await simulator.close();
  rmSync(directory, { recursive: true, force: true });
});

async function catalyst(argv: string[], stdin?: CommandIo['stdin']) {
  let stdout = '';
  let stderr = '';
  const io: CommandIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    ...(stdin !== undefined && { stdin }),
    environment: { ANTHROPIC_API_KEY: 'sk-ant-cli-test-000000', ANTHROPIC_BASE_URL: simulator.url },
    cwd: root,
    signal: new AbortController().signal,
  };
  const exitCode = await main(argv, io);
  return { exitCode, stdout, stderr };
}

function piped(text: string): CommandIo['stdin'] {
  return {
    isTTY: false,
    async *[Symbol.asyncIterator]() {
      yield new TextEncoder().encode(text);
    },
  };
}

describe('CLI robustness', () => {
  it('prints its version', async () => {
    const result = await catalyst(['--version']);
    expect(result).toMatchObject({
      exitCode: 0,
      stdout: expect.stringMatching(/^catalyst \d+\.\d+\.\d+\n$/),
    });
  });

  it('chat reads the prompt from stdin when piped or given "-"', async () => {
    simulator.reset();
    const dash = await catalyst(['chat', '-p', 'anthropic', '-'], piped('from the pipe\n'));
    expect(dash.exitCode).toBe(0);
    expect(dash.stdout).toContain('you said "from the pipe"');
    const bare = await catalyst(['chat', '-p', 'anthropic'], piped('bare pipe'));
    expect(bare.stdout).toContain('you said "bare pipe"');
  });

  it('names the path and what is wrong for a directory, a missing file, a file used as a directory', async () => {
    writeFileSync(join(directory, 'file.json'), '{}');
    mkdirSync(join(directory, 'folder.json'), { recursive: true });
    const folder = await catalyst(['validate', join(directory, 'folder.json')]);
    expect(folder.stderr).toBe(
      `${join(directory, 'folder.json')}: is a directory, not a workflow file\n`,
    );
    const missing = await catalyst(['validate', join(directory, 'missing.json')]);
    expect(missing.stderr).toBe(`${join(directory, 'missing.json')}: no such file\n`);
    const notDirectory = await catalyst(['validate', join(directory, 'file.json', 'x.json')]);
    expect(notDirectory.stderr).toContain('a part of this path is a file, not a directory');
    for (const result of [folder, missing, notDirectory]) expect(result.exitCode).toBe(1);
  });

  it('reports a duplicate JSON key with its location instead of keeping the last value', async () => {
    const path = join(directory, 'duplicate.json');
    writeFileSync(path, '{\n  "id": "a",\n  "name": "x",\n  "id": "b"\n}\n');
    const result = await catalyst(['validate', path]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`${path}:4:3`);
    expect(result.stderr).toContain('duplicate key "id"');
  });

  it('reports nesting too deep to read as a located problem, not a stack overflow', async () => {
    const path = join(directory, 'deep.json');
    writeFileSync(path, `{"id":"x","name":${'['.repeat(200_000)}${']'.repeat(200_000)}}`);
    const result = await catalyst(['validate', path]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).not.toContain('Maximum call stack');
    expect(result.stderr).toContain(`${path}: nested too deeply`);
  });

  it.each(['SIGTERM', 'SIGINT'] as const)(
    '%s stops a busy validate of a 64,000-node workflow within a second (needs npx tsc -b: runs dist/bin.js)',
    async (signal) => {
      // A valid chain where every node reads its predecessor and the first node; validate is
      // given it three times and the signal comes when the first verdict is printed, so it lands
      // in the middle of the second file's synchronous work however fast the machine is.
      const path = join(directory, 'chain-64000.json');
      writeFileSync(path, JSON.stringify(readingChain(64_000)));
      const child = spawn(
        process.execPath,
        [join(root, 'packages', 'cli', 'dist', 'bin.js'), 'validate', path, path, path],
        { stdio: ['ignore', 'pipe', 'ignore'] },
      );
      let stdout = '';
      await new Promise<void>((resolve) => {
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          if (stdout.includes('\n')) resolve();
        });
      });
      expect(stdout).toContain('is valid (64002 nodes)');
      expect(child.exitCode).toBeNull();
      const signalledAt = Date.now();
      child.kill(signal);
      const [, exitSignal] = await new Promise<[number | null, string | null]>((resolve) =>
        child.once('exit', (code, received) => resolve([code, received])),
      );
      expect(Date.now() - signalledAt).toBeLessThan(1000);
      expect(exitSignal).toBe(signal);
      expect(stdout.split('\n').filter((line) => line.startsWith('✓'))).toHaveLength(1);
    },
    120_000,
  );

  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)(
    '%s stops a busy run of a 16,000-node chain of templates within a second (needs npx tsc -b: runs dist/bin.js)',
    async (signal, exitCode) => {
      // No provider calls: every node finishes without I/O, which used to keep the event loop
      // (and so the signal handler and its deadline timer) from ever getting a turn. The signal
      // comes once the run has printed its first node, so it lands in the middle of the run
      // (which took minutes before the scheduler was made linear, and takes seconds now).
      const path = join(directory, 'run-chain-16000.json');
      writeFileSync(path, JSON.stringify(runChain(16_000)));
      const child = spawn(
        process.execPath,
        [
          join(root, 'packages', 'cli', 'dist', 'bin.js'),
          'run',
          path,
          '--json',
          '--input',
          '{"q":"hi"}',
        ],
        { stdio: ['ignore', 'pipe', 'ignore'] },
      );
      let stdout = '';
      await new Promise<void>((resolve) => {
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          if (stdout.includes('"status":"finished"')) resolve();
        });
      });
      expect(child.exitCode).toBeNull();
      const signalledAt = Date.now();
      child.kill(signal);
      const [code] = await new Promise<[number | null, string | null]>((resolve) =>
        child.once('exit', (exit, received) => resolve([exit, received])),
      );
      expect(Date.now() - signalledAt).toBeLessThan(1000);
      expect(code).toBe(exitCode);
      const lines = stdout.trim().split('\n');
      expect(JSON.parse(lines.at(-1) ?? '')).toMatchObject({ type: 'error', kind: 'aborted' });
      expect(lines.some((line) => line.includes('"type":"done"'))).toBe(false);
    },
    120_000,
  );
});

/** A valid chain of `size` prompt templates, each reading its predecessor and the first one. */

/** A chain of `size` prompt templates whose texts stay short, each reading its predecessor. */
function runChain(size: number) {
  const nodes: Array<Record<string, unknown>> = [{ id: 'input', type: 'input' }];
  for (let index = 0; index < size; index += 1) {
    const content =
      index === 0
        ? '{{ input.q }}'
        : `{{ size(nodes.p${index - 1}.messages) }} {{ nodes.p0.text }}`;
    nodes.push({
      id: `p${index}`,
      type: 'promptTemplate',
      config: { messages: [{ role: 'user', content }] },
    });
  }
  nodes.push({ id: 'output', type: 'output', config: { value: '{{ nodes.p0.text }}' } });
  const edges = nodes.slice(1).map((node, index) => ({ from: nodes[index]?.id, to: node.id }));
  const input = { type: 'object', properties: { q: { type: 'string' } } };
  return { id: 'run-chain', name: 'run-chain', input, nodes, edges };
}
function readingChain(size: number) {
  const nodes: Array<Record<string, unknown>> = [{ id: 'input', type: 'input' }];
  for (let index = 0; index < size; index += 1) {
    const content = index === 0 ? '{{ input.q }}' : `{{ nodes.p${index - 1} }} {{ nodes.p0 }}`;
    nodes.push({
      id: `p${index}`,
      type: 'promptTemplate',
      config: { messages: [{ role: 'user', content }] },
    });
  }
  nodes.push({ id: 'output', type: 'output' });
  const edges = nodes.slice(1).map((node, index) => ({ from: nodes[index]?.id, to: node.id }));
  const input = { type: 'object', properties: { q: { type: 'string' } } };
  return { id: 'chain', name: 'chain', input, nodes, edges };
}
