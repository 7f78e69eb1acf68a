/**
 * Starting the processes a gateway benchmark measures: each Node process pinned to one core
 * (`taskset -c`), so a server and the load it is measured under do not share a CPU, and
 * `catalyst serve` always launched the same way, so every script measures the same server.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const gateway = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(gateway, '..', '..');

/**
 * Starts `node …args` pinned to core `cpu` and resolves with the first match of `ready` in its
 * output (stdout and stderr together), or at once with `match: null` when there is no `ready`
 * (the caller then polls the server itself). Rejects, with what it printed, if it exits first.
 * @param {{ args: string[], cpu: string, ready?: RegExp, env?: Record<string, string>, cwd?: string }} options
 * @returns {Promise<{ child: import('node:child_process').ChildProcess, match: RegExpMatchArray | null }>}
 */
export function startPinnedNode({ args, cpu, ready, env = {}, cwd }) {
  const child = spawn('taskset', ['-c', cpu, process.execPath, ...args], {
    env: { ...process.env, ...env },
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolvePromise, reject) => {
    let output = '';
    const onData = (data) => {
      output += data;
      const match = ready && output.match(ready);
      if (match) resolvePromise({ child, match });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${output}`)));
    if (!ready) resolvePromise({ child, match: null });
  });
}

/**
 * The arguments after `node` that run the built `catalyst serve` on the benchmark's completion
 * workflow (`bench/gateway/workflows/bench-completion.json`) at 127.0.0.1:`port`.
 * @param {{ port: number }} options
 * @returns {string[]}
 */
export function catalystServeArgs({ port }) {
  return [
    join(root, 'packages', 'cli', 'dist', 'bin.js'),
    'serve',
    join(gateway, 'workflows', 'bench-completion.json'),
    '--port',
    String(port),
    '--host',
    '127.0.0.1',
  ];
}
