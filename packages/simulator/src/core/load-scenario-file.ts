import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseScenarioText } from './parse-scenario.js';
import type { Scenario } from './scenario.js';

/**
 * Reads a scenario file (`.json`, `.yaml` or `.yml`). Replay paths in it resolve against the
 * file's directory.
 *
 * @example const scenario = await loadScenarioFile('scenarios/rate-limit.yaml');
 */
export async function loadScenarioFile(path: string): Promise<Scenario> {
  const absolute = resolve(path);
  const scenario = parseScenarioText(await readFile(absolute, 'utf8'));
  return { ...scenario, baseDirectory: dirname(absolute) };
}
