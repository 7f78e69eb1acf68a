#!/usr/bin/env node
/**
 * `node packages/simulator/dist/bin.js --port N [--host H] [--scenario FILE]`: runs the simulator
 * until SIGINT/SIGTERM.
 */
import { CliUsageError, runSimulatorCli } from './run-simulator-cli.js';

try {
  const simulator = await runSimulatorCli(process.argv.slice(2));
  const stop = (): void => {
    void simulator.close().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  process.stderr.write(
    error instanceof CliUsageError
      ? `${error.message}\n`
      : `simulator failed to start: ${(error as Error).message}\n`,
  );
  process.exit(2);
}
