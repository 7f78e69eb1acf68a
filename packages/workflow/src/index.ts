// The workflow model: loading, the node registry and its manifest, graph analysis, validation,
// the published schema, and (from ./expressions) the expression language.

// The provider environment table, for the code generator (which imports no provider code).
export {
  DEFAULT_PROVIDER_ENVIRONMENT_NOTE,
  PROVIDER_ENVIRONMENT,
  type ProviderEnvironmentNames,
} from '@catalyst/providers';
export * from './expressions/index.js';
export {
  type AnalyzeGraphOptions,
  analyzeGraph,
  type DanglingEdge,
  type GraphAnalysis,
  type InvalidHandle,
} from './graph/analyze-graph.js';
export { edgeFromHandle, edgeToHandle } from './graph/edge-handles.js';
export { findCycles } from './graph/find-cycles.js';
export { topologicalOrder } from './graph/topological-order.js';
export {
  createUpstreamGraph,
  createUpstreamQuery,
  type UpstreamGraph,
  type UpstreamQuery,
  type UpstreamQueryOptions,
} from './graph/upstream-query.js';
export { appendPointer, parentPointer } from './load/json-pointer.js';
export { loadWorkflowFile } from './load/load-workflow-file.js';
export type { FileLocation, LoadedWorkflow } from './load/loaded-workflow.js';
export { normalizeSpellings, type SpellingChange } from './load/normalize-spellings.js';
export {
  type ParseWorkflowOptions,
  parseWorkflow,
  rewriteSpellings,
} from './load/parse-workflow.js';
export { WorkflowSyntaxError } from './load/workflow-syntax-error.js';
export {
  buildNodeManifest,
  NODE_MANIFEST_PATH,
  type NodeManifest,
  type NodeManifestEntry,
  nodeManifestText,
  type ProviderManifestEntry,
} from './manifest/node-manifest.js';
export * from './nodes/index.js';
export { formatProblem } from './problems/format-problem.js';
export { didYouMean, editDistance, suggestNames } from './problems/suggest-names.js';
export type {
  ExpressionLocation,
  ProblemSeverity,
  WorkflowProblem,
  WorkflowProblemCode,
} from './problems/workflow-problem.js';
export { workflowFileSchema } from './schema/workflow-file-schema.js';
export type { ConfigIssue } from './validate/config-issue.js';
export { NodeConfigError, parseNodeConfig } from './validate/parse-node-config.js';
export { compileConfigSchema, validateConfig } from './validate/validate-config.js';
export { validateJsonSchema } from './validate/validate-json-schema.js';
export { type ValidateWorkflowOptions, validateWorkflow } from './validate/validate-workflow.js';
