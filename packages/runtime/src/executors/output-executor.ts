import type { JsonValue } from '@catalyst/spec';
import type { OutputNodeConfig } from '@catalyst/workflow';
import { renderDeep } from '../render-config-value.js';
import type { NodeExecutor } from './node-executor.js';

/**
 * `output`: renders `config.value` (every string a template). Without a value, the result is
 * the single upstream output, or an object keyed by upstream node id when several feed it.
 */
export const executeOutput: NodeExecutor<OutputNodeConfig> = async (context) => {
  const { config, node, scope, upstream } = context;
  if (config.value !== undefined) {
    return {
      output: renderDeep({ node: node.id, field: 'value', value: config.value, scope }),
      activeHandles: [],
    };
  }
  const [single] = upstream;
  if (upstream.length === 1 && single) return { output: single.output, activeHandles: [] };
  const merged: Record<string, JsonValue> = {};
  for (const value of upstream) merged[value.node] = value.output;
  return { output: merged, activeHandles: [] };
};
