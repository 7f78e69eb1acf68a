import type { CallWarning } from './call-warning.js';
import type { JsonValue } from './json.js';
import type { ProviderErrorKind } from './provider-error.js';
import type { Cost, Usage } from './usage.js';

// The event stream of a workflow run: the same in `catalyst serve` and in every generated
// Python service, byte for byte (timing fields aside). On the wire each event is
// `event: <type>\ndata: <JSON of the payload>\n\n`.

/** A token from a streaming node, sent the moment the provider produced it. */
export interface WorkflowTokenEvent {
  type: 'token';
  node: string;
  text: string;
}

/**
 * A fragment of a tool call as the provider streams it. `index` keys parallel calls of one
 * node; `id` and `name` come with the first fragment of a call (when the provider sends them
 * there), `argumentsDelta` is the next piece of the arguments' JSON text. The whole call follows
 * in the node's output (`partial`, `done`).
 */
export interface WorkflowToolCallDeltaEvent {
  type: 'tool-call-delta';
  node: string;
  index: number;
  id?: string;
  name?: string;
  argumentsDelta: string;
}

/** A node started, finished or was skipped (its branch did not apply). */
export interface WorkflowNodeEvent {
  type: 'node';
  node: string;
  nodeType: string;
  status: 'started' | 'finished' | 'skipped';
}

/** A branch finished: the output of a node, before the whole run is done. */
export interface WorkflowPartialEvent {
  type: 'partial';
  node: string;
  output: JsonValue;
}

/** Usage and cost of one node's provider calls. */
export interface NodeUsage {
  provider: string;
  model: string;
  usage: Usage;
  cost: Cost | null;
  /** `embeddingGenerate` only: texts embedded, how many came from the cache, requests made. */
  embedding?: EmbeddingNodeUsage;
  /** `llmRouter` only: the routing decision (the same object as the `route` event). */
  route?: RouteDecision;
  /** `llmRouter` only: every attempt in order, failed ones included; `usage`/`cost` above sum them. */
  attempts?: RouteAttempt[];
}

/** What an `embeddingGenerate` node did beyond tokens (cache hits cost nothing). */
export interface EmbeddingNodeUsage {
  /** Texts in the node's input (the query included, when it ranks). */
  items: number;
  /** Texts not sent to the provider: cache hits and repeats within the input. */
  cachedItems: number;
  /** Successful provider requests (batches). */
  requests: number;
  /** Failed batch attempts that were retried. */
  retries: number;
}

/** A provider and model an `llmRouter` can send a request to. */
export interface RouteTarget {
  provider: string;
  model: string;
}

/** A target the router left out of the chain, and why. */
export interface SkippedRouteTarget extends RouteTarget {
  /** `cooldown` (recent failures), `context_window` (too small), `capability` (no tools / JSON mode). */
  reason: 'cooldown' | 'context_window' | 'capability';
}

/** Which targets an `llmRouter` will try, in order, and why. */
export interface RouteDecision {
  /** Index of the matched route in `routes`; null when none matched and `default` applied. */
  route: number | null;
  /** The matched route's `name`, when it has one. */
  name: string | null;
  /** The estimated prompt size the conditions saw as `prompt_tokens`. */
  promptTokens: number;
  strategy: 'ordered' | 'cheapest' | 'fastest' | 'weighted';
  /** The chain, first choice first; later targets are fallbacks. */
  targets: RouteTarget[];
  skipped: SkippedRouteTarget[];
  /** The same, in words. */
  reason: string;
  /** Set when shared router state (Redis) was unreachable and local memory was used instead. */
  stateWarning?: string;
}

/** One call an `llmRouter` made. */
export interface RouteAttempt extends RouteTarget {
  outcome: 'ok' | 'error';
  /** Token events this attempt sent to the client. */
  tokens: number;
  usage: Usage;
  cost: Cost | null;
  error?: { kind: ProviderErrorKind; message: string };
}

/** An `llmRouter` chose its targets (sent once, before its first attempt). */
export interface WorkflowRouteEvent extends RouteDecision {
  type: 'route';
  node: string;
}

/**
 * An `llmRouter` target failed and the next one takes over. With `discard: true` tokens of this
 * node were already sent: the client must throw them away, the next target starts over.
 */
export interface WorkflowFallbackEvent {
  type: 'fallback';
  node: string;
  from: RouteTarget;
  to: RouteTarget;
  error: { kind: ProviderErrorKind; message: string };
  discard: boolean;
  /** Targets jumped over: after `context_length`, those whose window is not larger. */
  skipped?: SkippedRouteTarget[];
}

/** Terminal: the run succeeded. */
export interface WorkflowDoneEvent {
  type: 'done';
  /** The output node's value. */
  output: JsonValue;
  /** The text of every node that produced text, in the workflow's topological order (not interleaved). */
  text: string;
  /** Number of `token` events sent. */
  tokenCount: number;
  /** Per node that called a provider. */
  usage: Record<string, NodeUsage>;
  /** Sum over nodes; null when some model had no price. */
  cost: Cost | null;
  /**
   * Settings a provider could not honour, per node, in run order. Only present when there is at
   * least one, so runs without warnings keep their exact bytes.
   */
  warnings?: WorkflowWarning[];
}

/** A {@link CallWarning} of one node. */
export interface WorkflowWarning extends CallWarning {
  node: string;
}

/** Terminal: the run failed. */
export interface WorkflowErrorEvent {
  type: 'error';
  /** The node that failed; absent for errors before any node ran. */
  node?: string;
  /**
   * `unavailable`: the server shut down before the run ended; retry it (elsewhere).
   * `expired`: a resumed stream (`Last-Event-ID`) named a run whose events are no longer kept.
   */
  kind: ProviderErrorKind | 'expression' | 'validation' | 'internal' | 'unavailable' | 'expired';
  message: string;
  retryable: boolean;
}

/** Everything a run streams; exactly one `done` or `error` ends it. */
export type WorkflowEvent =
  | WorkflowTokenEvent
  | WorkflowToolCallDeltaEvent
  | WorkflowNodeEvent
  | WorkflowPartialEvent
  | WorkflowRouteEvent
  | WorkflowFallbackEvent
  | WorkflowDoneEvent
  | WorkflowErrorEvent;
