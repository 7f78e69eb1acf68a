/**
 * Every kind of problem the validator reports. Errors stop a workflow from running; warnings
 * (`unknown_model`, `deprecated_model`, `unreachable_node`) are worth a look but do not.
 */
export type WorkflowProblemCode =
  | 'invalid_syntax'
  | 'invalid_file'
  | 'invalid_input_schema'
  | 'invalid_output_schema'
  | 'duplicate_node'
  | 'unknown_node_type'
  | 'invalid_config'
  | 'cycle'
  | 'dangling_edge'
  | 'invalid_handle'
  | 'missing_input'
  | 'unreachable_node'
  | 'expression_syntax'
  | 'unknown_reference'
  | 'not_upstream'
  | 'env_not_allowed'
  | 'unknown_model'
  | 'retired_model'
  | 'deprecated_model'
  | 'old_spelling';

/** Whether a problem stops the workflow from running. */
export type ProblemSeverity = 'error' | 'warning';

/** Where inside an expression (or template) string a problem sits. */
export interface ExpressionLocation {
  /** The whole string of the field: the template with its `{{ }}` holes, or the bare expression. */
  source: string;
  /** Zero-based code point offset in `source`. */
  offset: number;
  /** One-based line in `source`. */
  line: number;
  /** One-based column (code points) in `source`. */
  column: number;
}

/**
 * One problem found in a workflow file, located as precisely as the file allows.
 *
 * @example
 * {
 *   code: 'unknown_reference', severity: 'error', file: 'examples/chat.json',
 *   node: 'answer', field: 'prompt', line: 14, column: 7,
 *   message: 'unknown node "sumary"; did you mean "summary"?',
 *   expression: { source: '{{ nodes.sumary.text }}', offset: 3, line: 1, column: 4 },
 * }
 */
export interface WorkflowProblem {
  code: WorkflowProblemCode;
  severity: ProblemSeverity;
  /** What is wrong and, when we can tell, how to fix it; without the location. */
  message: string;
  /** The file name the workflow was loaded from. */
  file: string;
  /** The id of the node the problem belongs to. */
  node?: string;
  /** The config field (`messages[0].content`) or top-level key (`edges[2].to`). */
  field?: string;
  /** One-based line in the file, when the file format lets us find it. */
  line?: number;
  /** One-based column in the file. */
  column?: number;
  /** For expression problems: where inside the field's string. */
  expression?: ExpressionLocation;
}
