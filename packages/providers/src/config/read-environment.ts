import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';

/**
 * The process environment with a `.env` file from `directory` underneath it: variables already
 * set in the environment win, as with every dotenv convention.
 */
export function readEnvironment(
  directory: string = process.cwd(),
  environment: NodeJS.ProcessEnv = process.env,
): Record<string, string | undefined> {
  let fromFile: Record<string, string> = {};
  try {
    fromFile = parseEnv(readFileSync(join(directory, '.env'), 'utf8')) as Record<string, string>;
  } catch {
    // No .env file (or unreadable): the process environment alone is the configuration.
  }
  return { ...fromFile, ...environment };
}
