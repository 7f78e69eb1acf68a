import type { WorkflowErrorEvent } from '@catalyst/spec';

/** Why a node failed, already in the shape of the run's terminal `error` event. */
export class NodeFailure extends Error {
  readonly kind: WorkflowErrorEvent['kind'];
  readonly node: string;
  readonly retryable: boolean;

  constructor(options: {
    node: string;
    kind: WorkflowErrorEvent['kind'];
    message: string;
    retryable?: boolean;
  }) {
    super(options.message);
    this.name = 'NodeFailure';
    this.node = options.node;
    this.kind = options.kind;
    this.retryable = options.retryable ?? false;
  }
}
