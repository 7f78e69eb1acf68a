import { ANTHROPIC_COMPLETION_NODE } from './anthropic-completion-node.js';
import { AZURE_OPENAI_COMPLETION_NODE } from './azure-openai-completion-node.js';
import { EMBEDDING_GENERATE_NODE } from './embedding-generate-node.js';
import { GEMINI_COMPLETION_NODE } from './gemini-completion-node.js';
import { GROK_COMPLETION_NODE } from './grok-completion-node.js';
import { GROQ_COMPLETION_NODE } from './groq-completion-node.js';
import { INPUT_NODE } from './input-node.js';
import { LLM_ROUTER_NODE } from './llm-router-node.js';
import { LOCAL_COMPLETION_NODE } from './local-completion-node.js';
import type { NodeTypeDefinition } from './node-type.js';
import { OPENAI_COMPLETION_NODE } from './openai-completion-node.js';
import { OUTPUT_NODE } from './output-node.js';
import { PROMPT_TEMPLATE_NODE } from './prompt-template-node.js';

/**
 * The node registry: every node type a workflow may use, in palette order.
 *
 * The validator, the published schema and the drift test pick new entries up from this list.
 */
export const NODE_TYPES: readonly NodeTypeDefinition[] = [
  INPUT_NODE,
  OUTPUT_NODE,
  PROMPT_TEMPLATE_NODE,
  ANTHROPIC_COMPLETION_NODE,
  OPENAI_COMPLETION_NODE,
  AZURE_OPENAI_COMPLETION_NODE,
  GROQ_COMPLETION_NODE,
  GEMINI_COMPLETION_NODE,
  GROK_COMPLETION_NODE,
  LOCAL_COMPLETION_NODE,
  LLM_ROUTER_NODE,
  EMBEDDING_GENERATE_NODE,
];

const byType = new Map(NODE_TYPES.map((definition) => [definition.type, definition]));

/**
 * The node type named `type`, or undefined when there is none.
 *
 * @example
 * getNodeType('openaiCompletion')?.provider; // 'openai'
 */
export function getNodeType(type: string): NodeTypeDefinition | undefined {
  return byType.get(type);
}

/** Every node type, in palette order (a copy: callers may sort it). */
export function listNodeTypes(): NodeTypeDefinition[] {
  return [...NODE_TYPES];
}
