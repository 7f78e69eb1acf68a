import { parseArgs } from 'node:util';
import { loadScenarioFile, startSimulator } from '@catalyst/simulator';
import type { CommandIo } from '../io.js';
import { UsageError } from '../usage-error.js';

/** Help for `catalyst simulate`. */
export const SIMULATE_HELP = `catalyst simulate [--port N] [--host H] [--scenario FILE]

Starts the provider simulator: OpenAI, Azure OpenAI, Anthropic, Gemini, Groq, xAI and Voyage
wire protocols on one port, for offline tests. Point a provider's base URL at it, e.g.
  OPENAI_BASE_URL=http://127.0.0.1:4010/v1  ANTHROPIC_BASE_URL=http://127.0.0.1:4010
Scenario syntax: packages/simulator/README.md. Stops on Ctrl-C.`;

/** `catalyst simulate`: runs the simulator until the process is interrupted. */
export async function simulateCommand(argv: string[], io: CommandIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '4010' },
      host: { type: 'string', default: '127.0.0.1' },
      scenario: { type: 'string' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new UsageError(`--port must be a port number, got "${values.port}"`);
  }
  const scenario = values.scenario ? await loadScenarioFile(values.scenario) : undefined;
  const simulator = await startSimulator({
    port,
    host: values.host,
    ...(scenario !== undefined && { scenario }),
  });
  io.stdout.write(`Catalyst simulator listening on ${simulator.url}\n`);
  await new Promise<void>((resolve) => {
    if (io.signal.aborted) resolve();
    io.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await simulator.close();
  return 0;
}
