import { readFile } from 'node:fs/promises';
import type { LoadedWorkflow } from './loaded-workflow.js';
import { parseWorkflow } from './parse-workflow.js';

/**
 * Reads and parses a workflow file (JSON, or YAML for `.yaml`/`.yml`). Problems name the file
 * as `path` was given.
 *
 * @throws WorkflowSyntaxError when the file is not valid JSON or YAML; the fs error when it
 * cannot be read.
 * @example
 * const loaded = await loadWorkflowFile('examples/chat.json');
 * const problems = validateWorkflow(loaded);
 */
export async function loadWorkflowFile(path: string): Promise<LoadedWorkflow> {
  const text = await readFile(path, 'utf8');
  return parseWorkflow(text, { fileName: path });
}
