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
}

/** Terminal: the run failed. */
export interface WorkflowErrorEvent {
  type: 'error';
  /** The node that failed; absent for errors before any node ran. */
  node?: string;
  kind: ProviderErrorKind | 'expression' | 'validation' | 'internal';
  message: string;
  retryable: boolean;
}

/** Everything a run streams; exactly one `done` or `error` ends it. */
export type WorkflowEvent =
  | WorkflowTokenEvent
  | WorkflowNodeEvent
  | WorkflowPartialEvent
  | WorkflowDoneEvent
  | WorkflowErrorEvent;
