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
    const problem = describeFileError(error);
    if (problem !== undefined) {
      io.stderr.write(`${path}: ${problem}\n`);
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

const FILE_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'is a directory, not a workflow file',
  ENOTDIR: 'a part of this path is a file, not a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENAMETOOLONG: 'the path is too long',
  ELOOP: 'too many symbolic links',
  EMFILE: 'too many open files',
};

/** What is wrong with a file, in words, for the errors a path can cause; else undefined. */
function describeFileError(error: unknown): string | undefined {
  if (error instanceof RangeError && /call stack/i.test(error.message)) {
    return 'nested too deeply to read (arrays and objects inside each other thousands of levels deep)';
  }
  if (!(error instanceof Error) || !('code' in error)) return undefined;
  return FILE_ERRORS[String(error.code)];
}
