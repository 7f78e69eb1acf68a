import type { JsonSchema } from './json.js';

/** A function the model may call. */
export interface ToolDefinition {
  name: string;
  description?: string;
  /** JSON Schema of the arguments object. */
  parameters: JsonSchema;
  /** Ask the provider to enforce the schema exactly (OpenAI `strict`). */
  strict?: boolean;
}

/** How the model may use tools: freely, never, at least one, or one named tool. */
export type ToolChoice = 'auto' | 'none' | 'required' | { name: string };

/** A complete tool call. */
export interface ToolCall {
  id: string;
  name: string;
  /** The raw JSON text of the arguments as the model produced it. */
  arguments: string;
  /** `arguments` parsed; `undefined` when the model produced invalid JSON. */
  input: unknown;
}
