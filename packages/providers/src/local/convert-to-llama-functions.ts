import type { ChatRequest } from '@catalyst/spec';
import type { ChatModelFunctions, GbnfJsonSchema } from 'node-llama-cpp';
import { localError } from './local-error.js';

/**
 * Maps request tools to node-llama-cpp functions. node-llama-cpp documents them in the prompt
 * and, once the model starts a call, constrains the arguments with a grammar built from the
 * schema, so calls always parse. `toolChoice: 'none'` offers no tools; a named choice offers only
 * that tool. `required` cannot be forced by node-llama-cpp and behaves like `auto`.
 */
export function convertToLlamaFunctions(request: ChatRequest): ChatModelFunctions | undefined {
  const tools = request.tools ?? [];
  if (tools.length === 0 || request.toolChoice === 'none') return undefined;
  const choice = request.toolChoice;
  const offered =
    typeof choice === 'object' ? tools.filter((tool) => tool.name === choice.name) : tools;
  if (typeof choice === 'object' && offered.length === 0) {
    throw localError(
      'invalid_request',
      `toolChoice names "${choice.name}", which is not among the request's tools.`,
    );
  }
  const functions: Record<string, ChatModelFunctions[string]> = {};
  for (const tool of offered) {
    functions[tool.name] = {
      ...(tool.description !== undefined && { description: tool.description }),
      // The spec keeps schemas loose; node-llama-cpp validates them when building the grammar.
      params: tool.parameters as unknown as GbnfJsonSchema,
    };
  }
  return functions;
}
