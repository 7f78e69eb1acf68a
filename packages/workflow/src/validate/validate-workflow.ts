import { ModelCatalog } from '@catalyst/providers';
import { appendPointer } from '../load/json-pointer.js';
import type { LoadedWorkflow } from '../load/loaded-workflow.js';
import type { NodeTypeDefinition } from '../nodes/node-type.js';
import { NODE_TYPES } from '../nodes/node-types.js';
import type { WorkflowProblem } from '../problems/workflow-problem.js';
import { checkEmbeddingNodes } from './check-embedding-nodes.js';
import { checkExpressions } from './check-expressions.js';
import { checkGraph } from './check-graph.js';
import { checkModels } from './check-models.js';
import { checkNodes } from './check-nodes.js';
import { checkRouterTargets } from './check-router-targets.js';
import { checkStructure } from './check-structure.js';
import { ProblemCollector } from './problem-collector.js';

function nodeId(loaded: LoadedWorkflow, index: number): string | undefined {
  const node = (loaded.definition as { nodes?: Array<{ id?: unknown }> }).nodes?.[index];
  return typeof node?.id === 'string' ? node.id : undefined;
}

/** Options for {@link validateWorkflow}. */
export interface ValidateWorkflowOptions {
  /** The catalog models are checked against; the built-in one by default. */
  catalog?: ModelCatalog;
  /** The node types allowed; the built-in registry by default. */
  nodeTypes?: readonly NodeTypeDefinition[];
  /** The clock end-of-life dates are compared with; now by default. */
  now?: Date;
}

/**
 * Checks a loaded workflow and reports every problem at once, in file order, each located as
 * precisely as the file allows (line and column, node, field, position inside an expression).
 * The workflow can run when no problem has severity `error`.
 *
 * @example
 * const problems = validateWorkflow(await loadWorkflowFile('examples/chat.json'));
 * for (const problem of problems) console.error(formatProblem(problem));
 * if (problems.some((problem) => problem.severity === 'error')) process.exitCode = 1;
 */
export function validateWorkflow(
  loaded: LoadedWorkflow,
  options: ValidateWorkflowOptions = {},
): WorkflowProblem[] {
  const problems = new ProblemCollector(loaded);
  for (const change of loaded.spellings ?? []) {
    const node = typeof change.path[1] === 'number' ? nodeId(loaded, change.path[1]) : undefined;
    problems.report({
      code: 'old_spelling',
      message: change.message,
      pointer: [...change.path, change.from].reduce<string>(appendPointer, ''),
      ...(node === undefined ? {} : { node }),
      field: change.from,
    });
  }
  // The definition is whatever the file held; the structure check is what makes it trustworthy.
  const shape = checkStructure(loaded.definition as unknown, problems);
  const nodes = checkNodes(shape.nodes, options.nodeTypes ?? NODE_TYPES, problems);
  if (shape.hasNodes) {
    const analysis = checkGraph(nodes, shape.edges, problems);
    checkExpressions({ nodes, upstream: analysis.upstream, env: shape.env }, problems);
  }
  const catalog = options.catalog ?? ModelCatalog.default();
  const today = (options.now ?? new Date()).toISOString().slice(0, 10);
  checkModels(nodes, catalog, problems, today);
  checkRouterTargets(nodes, catalog, problems, today);
  checkEmbeddingNodes(nodes, catalog, problems, today);
  return problems.problems();
}
