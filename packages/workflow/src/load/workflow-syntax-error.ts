import type { WorkflowProblem } from '../problems/workflow-problem.js';

/**
 * Thrown when a workflow file is not valid JSON or YAML. `problem` carries the file, line and
 * column (code `invalid_syntax`), so a CLI can print it with `formatProblem` like any other.
 *
 * @example
 * try { await loadWorkflowFile('flow.json'); }
 * catch (error) { if (error instanceof WorkflowSyntaxError) console.error(formatProblem(error.problem)); }
 */
export class WorkflowSyntaxError extends Error {
  override readonly name = 'WorkflowSyntaxError';
  readonly problem: WorkflowProblem;

  constructor(problem: WorkflowProblem) {
    const where = problem.line === undefined ? '' : `:${problem.line}:${problem.column ?? 1}`;
    super(`${problem.file}${where}: ${problem.message}`);
    this.problem = problem;
  }
}
