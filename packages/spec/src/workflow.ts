import type { JsonSchema, JsonValue } from './json.js';

/**
 * A workflow file (`flow.json` or `flow.yaml`): a small graph of typed nodes. The published
 * JSON Schema (`schema/workflow.schema.json`) describes the same shape for editors.
 *
 * @example
 * {
 *   "id": "chat", "name": "Chat",
 *   "input": { "type": "object", "properties": { "question": { "type": "string" } }, "required": ["question"] },
 *   "nodes": [
 *     { "id": "input", "type": "input" },
 *     { "id": "answer", "type": "anthropicCompletion", "config": { "model": "claude-haiku-4-5", "prompt": "{{ input.question }}" } },
 *     { "id": "output", "type": "output", "config": { "value": { "answer": "{{ nodes.answer.text }}" } } }
 *   ],
 *   "edges": [ { "from": "input", "to": "answer" }, { "from": "answer", "to": "output" } ]
 * }
 */
export interface WorkflowDefinition {
  $schema?: string;
  /** URL-safe id: letters, digits, `-` and `_`; it names the HTTP routes. */
  id: string;
  name: string;
  description?: string;
  /** JSON Schema of the run input (an object). */
  input: JsonSchema;
  /** JSON Schema of the result, for the OpenAPI document. */
  output?: JsonSchema;
  /** Environment variables expressions may read as `env.NAME`; no other is visible. */
  env?: string[];
  nodes: WorkflowNode[];
  edges: WorkflowEdge[];
}

/** One node: its type picks the executor and the config schema. */
export interface WorkflowNode {
  /** Unique in the workflow; expressions reach its output as `nodes.<id>`. */
  id: string;
  type: string;
  /** Shown in editors; defaults to the node type's name. */
  name?: string;
  config?: Record<string, JsonValue>;
  /** Editor layout, ignored by the runtimes. */
  position?: { x: number; y: number };
}

/** A connection from one node's output handle to another node's input handle. */
export interface WorkflowEdge {
  from: string;
  /** Output handle, default `output`; `function_call` is active only when the model called a tool. */
  fromHandle?: string;
  to: string;
  /** Input handle, default `input`. */
  toHandle?: string;
}
