export { AsyncQueue } from './async-queue.js';
export { type ExecuteWorkflowOptions, executeWorkflow } from './execute-workflow.js';
export { EXECUTORS } from './executors/executors.js';
export type {
  NodeExecutionContext,
  NodeExecutor,
  NodeResult,
  ProviderResolver,
  UpstreamValue,
} from './executors/node-executor.js';
export { NodeFailure } from './node-failure.js';
export { createRouterState } from './router/create-router-state.js';
export {
  orderTargets,
  type RouterTarget,
  smoothWeightedPick,
  targetKey,
} from './router/order-targets.js';
export { RedisRouterState, ROUTER_KEY_PREFIX } from './router/redis-router-state.js';
export {
  type CooldownRule,
  MemoryRouterState,
  type RouterState,
  type RouterStateSnapshot,
  type TargetStats,
} from './router/router-state.js';
export { createApiKeyCheck } from './server/api-key-check.js';
export {
  type BatchedLogStream,
  createBatchedLogStream,
  type LogStream,
} from './server/batched-log-stream.js';
export {
  type CatalystApp,
  type CatalystAppOptions,
  createCatalystApp,
} from './server/create-catalyst-app.js';
export { errorResponse, statusForRunError } from './server/error-response.js';
export {
  EMPTY_GATEWAY_CONFIG,
  GATEWAY_FILE_ENVIRONMENT,
  type GatewayConfig,
  gatewayRouteWorkflow,
  parseGatewayConfig,
} from './server/gateway-config.js';
export {
  acceptsChatMessages,
  COST_HEADER,
  createOpenAIGateway,
  type OpenAIGateway,
} from './server/openai-gateway.js';
export { openApiDocument } from './server/openapi-document.js';
export { isJsonContentType, jsonDepthExceeds, readJsonBody } from './server/read-json-body.js';
export { RedisRunEventStore } from './server/redis-run-event-store.js';
export {
  captureConsole,
  createServerLogger,
  LOG_LEVELS,
  type LogLevel,
  type RequestLogRecord,
  type ServerLogger,
} from './server/request-log.js';
export {
  createResumableStreams,
  DEFAULT_STREAM_RECONNECT_MS,
  DEFAULT_STREAM_RETAINED_EVENTS,
  DEFAULT_STREAM_RETENTION_MS,
  type ResumableStreams,
} from './server/resumable-streams.js';
export {
  createRunId,
  formatEventId,
  parseEventId,
  RUN_ID_HEADER,
} from './server/run-event-id.js';
export {
  isRunCursor,
  MemoryRunEventStore,
  type RunCursor,
  type RunEventStore,
  type RunRecord,
} from './server/run-event-store.js';
export { type RunningServer, serveNode } from './server/serve-node.js';
export {
  DEFAULT_SHUTDOWN_GRACE_MS,
  readServerConfig,
  SERVER_ENVIRONMENT,
  type ServerConfig,
} from './server/server-config.js';
export { DEFAULT_SERVER_LIMITS, type ServerLimits } from './server/server-limits.js';
export { encodeSseEvent, SSE_HEADERS, SSE_KEEP_ALIVE } from './server/sse.js';
export { type InputProblem, validateInput } from './validate-input.js';
export { buildWorkflowGraph, type WorkflowGraph } from './workflow-graph.js';
