import { executeCompletion } from './completion-executor.js';
import { executeEmbedding } from './embedding-executor.js';
import { executeInput } from './input-executor.js';
import { executeLlmRouter } from './llm-router-executor.js';
import type { NodeExecutor } from './node-executor.js';
import { executeOutput } from './output-executor.js';
import { executePromptTemplate } from './prompt-template-executor.js';
import { typedExecutor } from './typed-executor.js';

/**
 * Executors by node type, each reading its type's checked config; completion types share one
 * executor configured by the registry.
 */
export const EXECUTORS: Record<string, NodeExecutor> = {
  input: typedExecutor('input', executeInput),
  output: typedExecutor('output', executeOutput),
  promptTemplate: typedExecutor('promptTemplate', executePromptTemplate),
  anthropicCompletion: typedExecutor('anthropicCompletion', executeCompletion),
  openaiCompletion: typedExecutor('openaiCompletion', executeCompletion),
  azureOpenaiCompletion: typedExecutor('azureOpenaiCompletion', executeCompletion),
  groqCompletion: typedExecutor('groqCompletion', executeCompletion),
  geminiCompletion: typedExecutor('geminiCompletion', executeCompletion),
  grokCompletion: typedExecutor('grokCompletion', executeCompletion),
  localCompletion: typedExecutor('localCompletion', executeCompletion),
  embeddingGenerate: typedExecutor('embeddingGenerate', executeEmbedding),
  llmRouter: typedExecutor('llmRouter', executeLlmRouter),
};
