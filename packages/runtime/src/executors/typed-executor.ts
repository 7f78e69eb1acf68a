import {
  NodeConfigError,
  type NodeConfigs,
  type NodeTypeName,
  parseNodeConfig,
} from '@catalyst/workflow';
import { NodeFailure } from '../node-failure.js';
import type { NodeExecutionContext, NodeExecutor } from './node-executor.js';

/**
 * Configs already found to match their node type's schema, by the type. Only frozen configs are
 * remembered — the ones a preparation hands its runs (`prepareWorkflow`), whose fields cannot be
 * replaced after the check; a server's workflows are prepared once and never change (see
 * `preparedWorkflow`), and a caller that does not pass a preparation gets new configs every run.
 * A caller's own config object could change, so it is checked every time.
 */
const checkedConfigs = new WeakMap<object, string>();

/**
 * An executor for raw configs from one that takes `type`'s checked config: the config is parsed
 * against the type's schema first (a validated workflow always passes), so the executor reads
 * typed fields and needs no casts. A config that does not match fails the node with a
 * `validation` error. A frozen config is checked once per type, not on every run.
 *
 * @example
 * const executors = { llmRouter: typedExecutor('llmRouter', executeLlmRouter) };
 */
export function typedExecutor<Type extends NodeTypeName>(
  type: Type,
  execute: NodeExecutor<NodeConfigs[Type]>,
): NodeExecutor {
  return async (context) => {
    if (checkedConfigs.get(context.config) === type) {
      return execute(context as unknown as NodeExecutionContext<NodeConfigs[Type]>);
    }
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
    if (Object.isFrozen(config)) checkedConfigs.set(config, type);
    return execute({ ...context, config });
  };
}
