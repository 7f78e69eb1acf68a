#!/usr/bin/env node
import { readEnvironment } from '@catalyst/providers';
import { main } from './main.js';

/**
 * Commands that hold connections (provider calls, a server) and so stop cleanly on a signal:
 * the first Ctrl-C or SIGTERM aborts them. Every other command (validate, build, models …) keeps
 * the default signal behaviour, which ends the process at once even in the middle of a
 * synchronous computation, where a handler would never get to run.
 */
const GRACEFUL_COMMANDS = new Set(['run', 'serve', 'chat', 'simulate', 'local']);

/** After an abort, a command other than serve (which drains) gets this long to wind down. */
const STOP_DEADLINE_MS = 1000;

const controller = new AbortController();
const command = process.argv[2] ?? '';
/** The conventional exit code of the signal that stopped the command (128 + its number). */
let signalExitCode: number | undefined;
if (GRACEFUL_COMMANDS.has(command)) {
  const stop = (exitCode: number) => {
    signalExitCode = exitCode;
    controller.abort();
    // A second signal exits at once.
    process.once('SIGINT', () => process.exit(130));
    process.once('SIGTERM', () => process.exit(143));
    if (command !== 'serve') {
      setTimeout(() => process.exit(exitCode), STOP_DEADLINE_MS).unref();
    }
  };
  process.once('SIGINT', () => stop(130));
  process.once('SIGTERM', () => stop(143));
}

const exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  // A .env file in the working directory fills in what the environment does not set.
  environment: readEnvironment(process.cwd()),
  cwd: process.cwd(),
  signal: controller.signal,
});
// A command stopped by a signal says so, whether it wound down in time or the deadline ended it
// (serve drains and exits 0, docs/protocol.md).
process.exitCode = signalExitCode !== undefined && command !== 'serve' ? signalExitCode : exitCode;
