import type { JsonValue } from '@catalyst/spec';
import type { NodeTypeDefinition } from './node-type.js';

/**
 * A node's config with its type's defaults under it: keys the node sets win, one level deep
 * (defaults are whole values, e.g. `stream: true`, never partial objects).
 *
 * @example
 * applyConfigDefaults(OPENAI_COMPLETION_NODE, { prompt: 'Hi' });
 * // { stream: true, model: 'gpt-4.1-mini', prompt: 'Hi' }
 */
export function applyConfigDefaults(
  nodeType: NodeTypeDefinition,
  config: Record<string, JsonValue> | undefined,
): Record<string, JsonValue> {
  return { ...structuredClone(nodeType.defaultConfig), ...(config ?? {}) };
}
