import type { InputNodeConfig } from '@catalyst/workflow';
import type { NodeExecutor } from './node-executor.js';

/** `input`: its output is the run input. */
export const executeInput: NodeExecutor<InputNodeConfig> = async (context) => ({
  output: context.scope.input ?? null,
  activeHandles: ['output'],
});
