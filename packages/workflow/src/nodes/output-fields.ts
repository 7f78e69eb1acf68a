/** One field of a node's output, as an expression reads it: `nodes.<id>.NAME`. */
export interface OutputFieldDefinition {
  name: string;
  /** One line for an editor's completion list and for docs/expressions.md. */
  description: string;
}

/**
 * What every completion node outputs (the runtime's `completionOutput`, docs/protocol.md); the
 * six providers share it so a workflow can swap one for another.
 */
export const COMPLETION_OUTPUT_FIELDS: readonly OutputFieldDefinition[] = [
  { name: 'text', description: 'the reply text' },
  { name: 'json', description: 'the reply parsed as JSON (JSON mode only)' },
  { name: 'toolCalls', description: 'tool calls: [{id, name, arguments}]' },
  { name: 'finishReason', description: 'why the reply ended (stop, length, tool-calls …)' },
  { name: 'provider', description: 'the provider that answered' },
  { name: 'model', description: 'the model that answered' },
  { name: 'usage', description: 'token counts: inputTokens, outputTokens …' },
  { name: 'cost', description: 'USD cost: inputUsd, outputUsd, totalUsd …' },
];

/** An `llmRouter` outputs what its chosen target output, plus its decision (docs/router.md). */
export const ROUTER_OUTPUT_FIELDS: readonly OutputFieldDefinition[] = [
  ...COMPLETION_OUTPUT_FIELDS,
  { name: 'route', description: 'the routing decision: route, targets, reason …' },
  { name: 'attempts', description: 'every target tried, in order, with its outcome' },
];

/** A `promptTemplate`'s rendered prompt. */
export const PROMPT_TEMPLATE_OUTPUT_FIELDS: readonly OutputFieldDefinition[] = [
  { name: 'text', description: "the messages' contents joined by blank lines" },
  { name: 'messages', description: 'the rendered messages: [{role, content}]' },
  { name: 'system', description: 'the rendered system text (when set)' },
];

/** An `embeddingGenerate` node's vectors and what they cost (docs/embeddings.md). */
export const EMBEDDING_OUTPUT_FIELDS: readonly OutputFieldDefinition[] = [
  { name: 'vectors', description: 'one vector per input text' },
  { name: 'dimensions', description: 'the length of each vector' },
  { name: 'points', description: 'Qdrant-ready points (unless points is false)' },
  { name: 'ranking', description: 'inputs ranked by similarity to query (with query)' },
  { name: 'provider', description: 'the provider that answered' },
  { name: 'model', description: 'the model that answered' },
  { name: 'usage', description: 'inputTokens, items, cachedItems, requests, retries' },
  { name: 'cost', description: 'USD cost: inputUsd, totalUsd …' },
  { name: 'cache', description: 'the embedding cache used: backend, error' },
];
