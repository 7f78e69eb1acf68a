import { parentPointer } from '../load/json-pointer.js';
import type { LoadedWorkflow } from '../load/loaded-workflow.js';
import type {
  ExpressionLocation,
  ProblemSeverity,
  WorkflowProblem,
  WorkflowProblemCode,
} from '../problems/workflow-problem.js';

const WARNINGS: ReadonlySet<WorkflowProblemCode> = new Set([
  'unknown_model',
  'deprecated_model',
  'old_spelling',
  'unreachable_node',
]);

/** What a check reports; the collector adds the file, severity and line. */
export interface ProblemReport {
  code: WorkflowProblemCode;
  message: string;
  /** JSON Pointer in the file; the nearest enclosing value present in the file gives the line. */
  pointer?: string;
  node?: string;
  field?: string;
  expression?: ExpressionLocation;
}

/** Gathers problems from every check, locating each in the file. */
export class ProblemCollector {
  private readonly collected: WorkflowProblem[] = [];

  constructor(private readonly loaded: LoadedWorkflow) {}

  report(report: ProblemReport): void {
    const severity: ProblemSeverity = WARNINGS.has(report.code) ? 'warning' : 'error';
    const problem: WorkflowProblem = {
      code: report.code,
      severity,
      message: report.message,
      file: this.loaded.fileName,
    };
    if (report.node !== undefined) problem.node = report.node;
    if (report.field !== undefined && report.field !== '') problem.field = report.field;
    const location = report.pointer === undefined ? undefined : this.locateNearest(report.pointer);
    if (location) {
      problem.line = location.line;
      problem.column = location.column;
    }
    if (report.expression !== undefined) problem.expression = report.expression;
    this.collected.push(problem);
  }

  /** Problems in file order (those without a line first), stable otherwise. */
  problems(): WorkflowProblem[] {
    return this.collected
      .map((problem, index) => ({ problem, index }))
      .sort(
        (left, right) =>
          (left.problem.line ?? 0) - (right.problem.line ?? 0) ||
          (left.problem.column ?? 0) - (right.problem.column ?? 0) ||
          left.index - right.index,
      )
      .map((entry) => entry.problem);
  }

  // A defaulted field (e.g. a missing `model`) is not in the file; its node is.
  private locateNearest(pointer: string) {
    let current: string | undefined = pointer;
    while (current !== undefined) {
      const location = this.loaded.locate(current);
      if (location) return location;
      current = parentPointer(current);
    }
    return undefined;
  }
}
