import type { WorkflowEdge } from '@catalyst/spec';

/** The output handle an edge leaves from: `fromHandle`, default `output`. */
export function edgeFromHandle(edge: WorkflowEdge): string {
  return edge.fromHandle ?? 'output';
}

/** The input handle an edge enters: `toHandle`, default `input`. */
export function edgeToHandle(edge: WorkflowEdge): string {
  return edge.toHandle ?? 'input';
}
