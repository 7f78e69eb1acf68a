import { executeCompletion } from './completion-executor.js';
import { executeEmbedding } from './embedding-executor.js';
import { executeInput } from './input-executor.js';
import { executeLlmRouter } from './llm-router-executor.js';
import type { NodeExecutor } from './node-executor.js';
import { executeOutput } from './output-executor.js';
import { executePromptTemplate } from './prompt-template-executor.js';

/** Executors by node type; completion types share one executor configured by the registry. */
export const EXECUTORS: Record<string, NodeExecutor> = {
  input: executeInput,
  output: executeOutput,
  promptTemplate: executePromptTemplate,
  anthropicCompletion: executeCompletion,
  openaiCompletion: executeCompletion,
  azureOpenaiCompletion: executeCompletion,
  groqCompletion: executeCompletion,
  geminiCompletion: executeCompletion,
  grokCompletion: executeCompletion,
  localCompletion: executeCompletion,
  embeddingGenerate: executeEmbedding,
  llmRouter: executeLlmRouter,
};
