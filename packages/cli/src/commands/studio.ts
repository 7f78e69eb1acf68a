import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { serveNode } from '@catalyst/runtime';
import { startSimulator } from '@catalyst/simulator';
import { createStudioApp, isLoopbackName } from '@catalyst/studio-server';
import type { CommandIo } from '../io.js';
import { UsageError } from '../usage-error.js';

/** Help for `catalyst studio`. */
export const STUDIO_HELP = `catalyst studio [DIR] [--port N] [--host H] [--no-simulator]

Opens Catalyst Studio, the browser editor, over the workflow files in DIR (default: the current
directory): draw and connect nodes, configure them, see validation as you type, run with live
streaming, save, and export a Python project. Prints the URL to open.

A provider simulator starts beside it, so runs need no API key (switch "Simulator" in the run
panel); --no-simulator leaves it out. The API is described in docs/studio.md. Stops on Ctrl-C.`;

/** `catalyst studio`: the studio's server, with an in-process simulator unless told otherwise. */
export async function studioCommand(argv: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    allowNegative: true,
    options: {
      port: { type: 'string', default: '4000' },
      host: { type: 'string', default: '127.0.0.1' },
      simulator: { type: 'boolean', default: true },
    },
  });
  if (positionals.length > 1) throw new UsageError('studio takes one directory');
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new UsageError(`--port must be a port number, got "${values.port}"`);
  }
  if (!isLoopbackName(values.host.replace(/^\[|\]$/g, ''))) {
    throw new UsageError(
      `the studio writes files and has no login: serve it on a loopback host (127.0.0.1, localhost, ::1), not "${values.host}"`,
    );
  }
  const directory = resolve(io.cwd, positionals[0] ?? '.');
  const simulator = values.simulator ? await startSimulator({ port: 0 }) : undefined;
  const studio = createStudioApp({
    directory,
    environment: io.environment,
    ...(simulator !== undefined && { simulatorUrl: simulator.url }),
  });
  const server = await serveNode(studio, { port, host: values.host });
  io.stdout.write(`Catalyst Studio on ${server.url}/  (workflows in ${directory})\n`);
  if (simulator) io.stdout.write(`  provider simulator on ${simulator.url}\n`);
  await new Promise<void>((done) => {
    if (io.signal.aborted) done();
    io.signal.addEventListener('abort', () => done(), { once: true });
  });
  await server.close();
  await studio.close();
  await simulator?.close();
  return 0;
}
