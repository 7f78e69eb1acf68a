import type { ChatRequest, ToolChoice } from '@catalyst/spec';
import {
  FunctionCallingConfigMode,
  type GenerateContentConfig,
  type GenerateContentParameters,
  type ToolConfig,
} from '@google/genai';
import { normalizeMessages } from '../shared/normalize-messages.js';
import { convertToGeminiMessages } from './convert-to-gemini-messages.js';

/**
 * Builds the `generateContentStream` parameters for `request`: system instruction, contents,
 * generation settings, function declarations (full JSON Schema through `parametersJsonSchema`),
 * function-calling mode, and native JSON mode (`responseMimeType` + `responseJsonSchema`).
 *
 * `parallelToolCalls` has no Gemini equivalent and is not sent. The abort signal is added by the
 * caller, per attempt.
 */
export function createGeminiRequest(request: ChatRequest): GenerateContentParameters {
  const conversation = normalizeMessages(request);
  const config: GenerateContentConfig = {};
  if (conversation.system !== undefined) config.systemInstruction = conversation.system;
  if (request.temperature !== undefined) config.temperature = request.temperature;
  if (request.topP !== undefined) config.topP = request.topP;
  if (request.maxTokens !== undefined) config.maxOutputTokens = request.maxTokens;
  if (request.stop !== undefined && request.stop.length > 0) config.stopSequences = request.stop;
  if (request.seed !== undefined) config.seed = request.seed;

  if (request.tools !== undefined && request.tools.length > 0) {
    config.tools = [
      {
        functionDeclarations: request.tools.map((tool) => ({
          name: tool.name,
          ...(tool.description !== undefined && { description: tool.description }),
          parametersJsonSchema: tool.parameters,
        })),
      },
    ];
    const toolConfig = geminiToolConfig(request.toolChoice);
    if (toolConfig) config.toolConfig = toolConfig;
  }

  const format = request.responseFormat;
  if (format !== undefined) {
    switch (format.type) {
      case 'text':
        break;
      case 'json_object':
        config.responseMimeType = 'application/json';
        break;
      case 'json_schema':
        config.responseMimeType = 'application/json';
        config.responseJsonSchema = format.schema;
        break;
      default: {
        const unreachable: never = format;
        throw new Error(`unknown response format ${JSON.stringify(unreachable)}`);
      }
    }
  }

  Object.assign(config, request.providerOptions);
  return { model: request.model, contents: convertToGeminiMessages(conversation.messages), config };
}

function geminiToolConfig(choice: ToolChoice | undefined): ToolConfig | undefined {
  if (choice === undefined) return undefined;
  if (typeof choice === 'object') {
    return {
      functionCallingConfig: {
        mode: FunctionCallingConfigMode.ANY,
        allowedFunctionNames: [choice.name],
      },
    };
  }
  switch (choice) {
    case 'auto':
      return { functionCallingConfig: { mode: FunctionCallingConfigMode.AUTO } };
    case 'none':
      return { functionCallingConfig: { mode: FunctionCallingConfigMode.NONE } };
    case 'required':
      return { functionCallingConfig: { mode: FunctionCallingConfigMode.ANY } };
    default: {
      const unreachable: never = choice;
      throw new Error(`unknown tool choice ${String(unreachable)}`);
    }
  }
}
