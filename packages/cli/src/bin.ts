#!/usr/bin/env node
import { readEnvironment } from '@catalyst/providers';
import { main } from './main.js';

const controller = new AbortController();
// First Ctrl-C aborts in-flight calls cleanly (closing upstream connections); a second one exits.
process.once('SIGINT', () => {
  controller.abort();
  process.once('SIGINT', () => process.exit(130));
});
process.once('SIGTERM', () => controller.abort());

const exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  // A .env file in the working directory fills in what the environment does not set.
  environment: readEnvironment(process.cwd()),
  cwd: process.cwd(),
  signal: controller.signal,
});
process.exitCode = exitCode;
