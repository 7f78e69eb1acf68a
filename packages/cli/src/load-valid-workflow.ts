import type { WorkflowDefinition } from '@catalyst/spec';
import {
  formatProblem,
  loadWorkflowFile,
  validateWorkflow,
  WorkflowSyntaxError,
} from '@catalyst/workflow';
import type { CommandIo } from './io.js';

/** A workflow file that failed to load or validate; its problems were already printed. */
export class InvalidWorkflowError extends Error {
  constructor(
    readonly fileName: string,
    readonly errorCount: number,
  ) {
    super(`${fileName}: ${errorCount} problem${errorCount === 1 ? '' : 's'}`);
    this.name = 'InvalidWorkflowError';
  }
}

/**
 * Loads and validates a workflow file, printing every problem (warnings too) on stderr.
 * Throws InvalidWorkflowError when there is at least one error.
 */
export async function loadValidWorkflow(path: string, io: CommandIo): Promise<WorkflowDefinition> {
  let loaded: Awaited<ReturnType<typeof loadWorkflowFile>>;
  try {
    loaded = await loadWorkflowFile(path);
  } catch (error) {
    if (error instanceof WorkflowSyntaxError) {
      io.stderr.write(`${error.message}\n`);
      throw new InvalidWorkflowError(path, 1);
    }
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') {
      io.stderr.write(`${path}: no such file\n`);
      throw new InvalidWorkflowError(path, 1);
    }
    throw error;
  }
  const problems = validateWorkflow(loaded);
  for (const problem of problems) io.stderr.write(`${formatProblem(problem)}\n`);
  const errors = problems.filter((problem) => problem.severity === 'error').length;
  if (errors > 0) throw new InvalidWorkflowError(path, errors);
  return loaded.definition;
}
