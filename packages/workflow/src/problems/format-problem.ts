import type { WorkflowProblem } from './workflow-problem.js';

/**
 * One line for a terminal: location first (so editors can jump to it), then what and where.
 *
 * @example
 * formatProblem(problem);
 * // examples/chat.json:14:7 node "answer" field "prompt" (at column 12 of the expression): unknown node "sumary"; did you mean "summary"?
 */
export function formatProblem(problem: WorkflowProblem): string {
  let location = problem.file;
  if (problem.line !== undefined) {
    location += `:${problem.line}`;
    if (problem.column !== undefined) location += `:${problem.column}`;
  }
  const context: string[] = [];
  if (problem.severity === 'warning') context.push('warning');
  if (problem.node !== undefined) context.push(`node "${problem.node}"`);
  if (problem.field !== undefined) context.push(`field "${problem.field}"`);
  if (problem.expression !== undefined) {
    const { line, column } = problem.expression;
    // Most templates are one line; name the line only when it helps.
    const where = line > 1 ? `line ${line}, column ${column}` : `column ${column}`;
    context.push(`(at ${where} of the expression)`);
  }
  const prefix = [location, ...context].join(' ');
  return `${prefix}: ${problem.message}`;
}
