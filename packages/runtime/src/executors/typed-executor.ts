import {
  NodeConfigError,
  type NodeConfigs,
  type NodeTypeName,
  parseNodeConfig,
} from '@catalyst/workflow';
import { NodeFailure } from '../node-failure.js';
import type { NodeExecutor } from './node-executor.js';

/**
 * An executor for raw configs from one that takes `type`'s checked config: the config is parsed
 * against the type's schema first (a validated workflow always passes), so the executor reads
 * typed fields and needs no casts. A config that does not match fails the node with a
 * `validation` error.
 *
 * @example
 * const executors = { llmRouter: typedExecutor('llmRouter', executeLlmRouter) };
 */
export function typedExecutor<Type extends NodeTypeName>(
  type: Type,
  execute: NodeExecutor<NodeConfigs[Type]>,
): NodeExecutor {
  return async (context) => {
    let config: NodeConfigs[Type];
    try {
      config = parseNodeConfig(type, context.config);
    } catch (error) {
      if (!(error instanceof NodeConfigError)) throw error;
      throw new NodeFailure({
        node: context.node.id,
        kind: 'validation',
        message: `node "${context.node.id}": ${error.message}`,
      });
    }
    return execute({ ...context, config });
  };
}
