/**
 * Every wire protocol the simulator speaks, in matching order. Order matters where paths are
 * shared: Voyage claims `/v1/embeddings` for `voyage-*` models before the OpenAI family does.
 */
import { ANTHROPIC_PROTOCOL } from './anthropic/anthropic-protocol.js';
import { GEMINI_PROTOCOL } from './gemini/gemini-protocol.js';
import { OPENAI_FAMILY_PROTOCOL } from './openai/openai-family-protocol.js';
import type { ProtocolModule } from './types.js';
import { VOYAGE_PROTOCOL } from './voyage/voyage-protocol.js';

/** The protocol modules `startSimulator` uses by default. */
export const PROTOCOLS: ProtocolModule[] = [
  // Anthropic and Gemini claim `/v1/models[/{id}]` only for their own clients or model ids.
  ANTHROPIC_PROTOCOL,
  GEMINI_PROTOCOL,
  VOYAGE_PROTOCOL,
  OPENAI_FAMILY_PROTOCOL,
];
