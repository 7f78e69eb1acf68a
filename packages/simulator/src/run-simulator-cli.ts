import { loadScenarioFile } from './core/load-scenario-file.js';
import { type RunningSimulator, startSimulator } from './core/server.js';

/** Usage text for the simulator command line. */
export const SIMULATOR_USAGE = `Usage: catalyst-simulator [--port N] [--host H] [--scenario FILE]

  --port N         port to listen on (0, the default, picks a free one)
  --host H         interface to bind (default 127.0.0.1)
  --scenario FILE  scenario file, JSON or YAML`;

/** Parsed simulator command-line options. */
export interface SimulatorCliOptions {
  port: number;
  host: string;
  scenarioFile?: string;
}

/** Thrown for a bad command line; the message says what to fix. */
export class CliUsageError extends Error {
  override name = 'CliUsageError';
}

/** Parses `--port N --host H --scenario FILE` (also `--port=N`). */
export function parseSimulatorArguments(argv: string[]): SimulatorCliOptions {
  const options: SimulatorCliOptions = { port: 0, host: '127.0.0.1' };
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index] ?? '';
    const [flag, inlineValue] = argument.includes('=') ? argument.split(/=(.*)/s) : [argument];
    const value = (): string => {
      const next = inlineValue ?? argv[++index];
      if (next === undefined || next.length === 0) throw new CliUsageError(`${flag} needs a value`);
      return next;
    };
    switch (flag) {
      case '--port': {
        const port = Number(value());
        if (!Number.isInteger(port) || port < 0 || port > 65535) {
          throw new CliUsageError('--port must be an integer from 0 to 65535');
        }
        options.port = port;
        break;
      }
      case '--host':
        options.host = value();
        break;
      case '--scenario':
        options.scenarioFile = value();
        break;
      default:
        throw new CliUsageError(`unknown option ${argument}\n${SIMULATOR_USAGE}`);
    }
  }
  return options;
}

/**
 * Starts the simulator from command-line arguments and prints
 * `Catalyst simulator listening on http://HOST:PORT` as the first stdout line (tools wait for it).
 * `catalyst simulate` reuses this.
 *
 * @example await runSimulatorCli(['--port', '0', '--scenario', 'faults.yaml']);
 */
export async function runSimulatorCli(
  argv: string[],
  output: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<RunningSimulator> {
  const options = parseSimulatorArguments(argv);
  const scenario = options.scenarioFile ? await loadScenarioFile(options.scenarioFile) : undefined;
  const simulator = await startSimulator({
    port: options.port,
    host: options.host,
    ...(scenario ? { scenario } : {}),
  });
  output(`Catalyst simulator listening on ${simulator.url}`);
  return simulator;
}
