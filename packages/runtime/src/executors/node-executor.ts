import type { EmbeddingCache } from '@catalyst/providers';
import type {
  CallWarning,
  JsonValue,
  LanguageModelProvider,
  NodeUsage,
  ProviderName,
  WorkflowEvent,
  WorkflowNode,
} from '@catalyst/spec';
import type { ExpressionScope, NodeTypeDefinition } from '@catalyst/workflow';
import type { RouterState } from '../router/router-state.js';

/** Gives a node the provider it calls; one instance per provider is shared by all runs. */
export type ProviderResolver = (name: ProviderName) => LanguageModelProvider;

/** An active incoming connection and the value it carries. */
export interface UpstreamValue {
  node: string;
  nodeType: string;
  handle: string;
  output: JsonValue;
}

/**
 * What an executor gets to run one node. `Config` is the node type's checked config (see
 * `typedExecutor`); executors registered from outside get the raw JSON.
 */
export interface NodeExecutionContext<Config = Record<string, JsonValue>> {
  node: WorkflowNode;
  definition: NodeTypeDefinition;
  /**
   * The node's config with the type's defaults applied: a frozen object, shared by every run of a
   * workflow the server prepared once (see `preparedWorkflow`), so read it, never change it.
   */
  config: Config;
  /** `input`, `nodes` (outputs of upstream nodes only) and `env` (allowed names only). */
  scope: ExpressionScope;
  upstream: UpstreamValue[];
  /** Aborts when the run is cancelled or another node failed. */
  signal: AbortSignal;
  emit(event: WorkflowEvent): void;
  providers: ProviderResolver;
  /** Per-text embeddings cache shared by the runs of one app or process; null for none. */
  embeddingCache?: EmbeddingCache | null;
  /** Whether any edge leaves this node from `handle`. */
  hasOutgoing(handle: string): boolean;
  /** Latency, cooldown and rotation state of `llmRouter` nodes; one per run when absent. */
  routerState?: RouterState;
  /** The clock routers measure time to first token with (ms); `Date.now` when absent. */
  now?: () => number;
}

/** A node's outcome. */
export interface NodeResult {
  output: JsonValue;
  /** Output handles whose edges carry the output; edges from other handles are skipped. */
  activeHandles: string[];
  /** Set by nodes that called a provider. */
  usage?: NodeUsage;
  /** Text this node streamed, for the run's `done.text`. */
  text?: string;
  /** Settings its provider could not honour; they go to the run's `done.warnings`. */
  warnings?: CallWarning[];
}

/** Runs one node type. Throws `NodeFailure` (or `ExpressionError`) on failure. */
export type NodeExecutor<Config = Record<string, JsonValue>> = (
  context: NodeExecutionContext<Config>,
) => Promise<NodeResult>;
