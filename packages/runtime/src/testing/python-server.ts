import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkflowDefinition } from '@catalyst/spec';
import { REPOSITORY_ROOT } from './conformance-vector.js';

/** The repository's Python (`npm run setup` makes it). */
export const PYTHON = join(REPOSITORY_ROOT, '.venv', 'bin', 'python');

/** A Python runtime served by uvicorn in a child process, for tests that drive it over HTTP. */
export interface RunningPythonServer {
  /** `http://127.0.0.1:PORT`. */
  url: string;
  /** What the server printed so far (the access log; the last 200 kB). */
  output(): string;
  /** Kills the process. */
  close(): void;
}

/**
 * Serves `workflows` with the Python runtime (`python/tests/runtime/serve_workflows.py` under
 * uvicorn) with `environment` added to this process's; resolves once `/health` answers.
 *
 * @example
 * const python = await startPythonServer({ workflows, environment, readyMs: 90_000 });
 * await fetch(`${python.url}/workflows/chat/run`, …);
 * python.close();
 */
export async function startPythonServer(options: {
  workflows: WorkflowDefinition[];
  environment: Record<string, string>;
  /** Time the server gets to import, build its app and listen (a cold machine is slow). */
  readyMs: number;
}): Promise<RunningPythonServer> {
  if (!existsSync(PYTHON)) throw new Error(`${PYTHON} is missing: run npm run setup`);
  const child = spawn(PYTHON, ['-m', 'tests.runtime.serve_workflows', '-'], {
    cwd: join(REPOSITORY_ROOT, 'python'),
    env: { ...process.env, ...options.environment, PYTHONUNBUFFERED: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  const remember = (chunk: Buffer) => {
    // Bounded: a failing run must not keep megabytes of access log.
    output = (output + chunk.toString('utf8')).slice(-200_000);
  };
  child.stdin.end(JSON.stringify(options.workflows));
  child.stderr.on('data', remember);
  const close = () => {
    child.kill('SIGKILL');
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the Python server did not start in time:\n${output}`)),
        options.readyMs,
      );
      child.stdout.on('data', (chunk: Buffer) => {
        remember(chunk);
        const match = /listening on (http:\/\/\S+)/.exec(output);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the Python server exited with ${code}:\n${output}`));
      });
    });
    const deadline = Date.now() + options.readyMs;
    while (Date.now() < deadline) {
      try {
        if ((await fetch(`${url}/health`)).ok) return { url, output: () => output, close };
      } catch {
        // Not accepting yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`the Python server never answered /health:\n${output}`);
  } catch (error) {
    close();
    throw error;
  }
}
