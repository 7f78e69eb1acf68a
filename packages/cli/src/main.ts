import { readFileSync } from 'node:fs';
import { ProviderError } from '@catalyst/spec';
import { BUILD_HELP, buildCommand } from './commands/build.js';
import { CHAT_HELP, chatCommand } from './commands/chat.js';
import { LOCAL_HELP, localCommand } from './commands/local.js';
import { MODELS_HELP, modelsCommand } from './commands/models.js';
import { RUN_HELP, runCommand } from './commands/run.js';
import { SERVE_HELP, serveCommand } from './commands/serve.js';
import { SIMULATE_HELP, simulateCommand } from './commands/simulate.js';
import { STUDIO_HELP, studioCommand } from './commands/studio.js';
import { VALIDATE_HELP, validateCommand } from './commands/validate.js';
import type { CommandIo } from './io.js';
import { UsageError } from './usage-error.js';

type Command = { help: string; run: (argv: string[], io: CommandIo) => Promise<number> };

const COMMANDS: Record<string, Command> = {
  run: { help: RUN_HELP, run: runCommand },
  serve: { help: SERVE_HELP, run: serveCommand },
  validate: { help: VALIDATE_HELP, run: validateCommand },
  build: { help: BUILD_HELP, run: buildCommand },
  chat: { help: CHAT_HELP, run: chatCommand },
  models: { help: MODELS_HELP, run: modelsCommand },
  simulate: { help: SIMULATE_HELP, run: simulateCommand },
  local: { help: LOCAL_HELP, run: localCommand },
  studio: { help: STUDIO_HELP, run: studioCommand },
};

const HELP = `catalyst — describe an LLM workflow once, run it anywhere

Commands:
${Object.values(COMMANDS)
  .map((command) => `  ${command.help.split('\n')[0]}`)
  .join('\n')}

Run "catalyst COMMAND --help" for details.`;

/**
 * Runs the CLI and returns its exit code: 0 on success, 1 when the work failed, 2 for a
 * mistake in the command line. Errors are one clear line on stderr, never a stack trace.
 */
export async function main(argv: string[], io: CommandIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-v' || name === 'version') {
    io.stdout.write(`catalyst ${cliVersion()}\n`);
    return 0;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(`${HELP}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`catalyst: unknown command "${name}"\n${HELP}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`${command.help}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    return reportError(error, name, io);
  }
}

function reportError(error: unknown, command: string, io: CommandIo): number {
  if (error instanceof UsageError) {
    io.stderr.write(`catalyst ${command}: ${error.message} (see catalyst ${command} --help)\n`);
    return 2;
  }
  // parseArgs throws TypeErrors with a code for unknown or malformed options.
  if (
    error instanceof TypeError &&
    'code' in error &&
    String(error.code).startsWith('ERR_PARSE_ARGS')
  ) {
    io.stderr.write(`catalyst ${command}: ${error.message} (see catalyst ${command} --help)\n`);
    return 2;
  }
  if (error instanceof ProviderError) {
    io.stderr.write(`error (${error.kind}): ${error.message}\n`);
    return 1;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr.write(`catalyst ${command}: ${message}\n`);
  return 1;
}

/** The version of this CLI, from its package.json (one directory above dist/ and src/). */
function cliVersion(): string {
  const manifest = JSON.parse(
    readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
  ) as { version?: string };
  return manifest.version ?? 'unknown';
}
