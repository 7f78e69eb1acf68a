import type {
  ToolChoice as AnthropicToolChoice,
  MessageCreateParamsStreaming,
  Tool,
} from '@anthropic-ai/sdk/resources/messages';
import type { CallWarning, ChatRequest, ToolChoice } from '@catalyst/spec';
import type { ModelCatalog } from '../catalog/model-catalog.js';
import { normalizeMessages } from '../shared/normalize-messages.js';
import { anthropicJsonTool } from './anthropic-json-tool.js';
import { convertToAnthropicMessages } from './convert-to-anthropic-messages.js';
import { planAnthropicCacheBreakpoints } from './plan-anthropic-cache-breakpoints.js';

/** The one kind of `cache_control` Anthropic has: five minutes from the last use. */
const EPHEMERAL = { type: 'ephemeral' } as const;

/**
 * `max_tokens` is required by Anthropic. Without one in the request we use the model's limit,
 * capped: a 64k default would make every short call reserve (and risk billing) a long answer.
 */
const DEFAULT_MAX_TOKENS_CAP = 4096;

/**
 * Builds the streaming Messages API body for `request`: system text, messages, sampling,
 * tools and tool choice, JSON mode emulated through a forced `json` tool, and prompt-cache
 * breakpoints (`cache_control`) where {@link planAnthropicCacheBreakpoints} puts them: the system
 * prompt is then sent as one text block, the only form that carries a breakpoint.
 *
 * Not sent (each reported by {@link anthropicWarnings}): `seed` (no Anthropic equivalent), and
 * `temperature` / `topP` — API version 2026-10-21, which SDK 1.x sends, rejects any sampling
 * parameter with a 400 ("Extra inputs are not permitted"), even at default values, and the SDK
 * types (1.12) no longer have them. A caller pinned to `anthropic-version: 2023-06-01` (through
 * `headers`) can still pass them in `providerOptions`.
 */
export function createAnthropicRequest(options: {
  request: ChatRequest;
  catalog: ModelCatalog;
}): MessageCreateParamsStreaming {
  const { request, catalog } = options;
  const conversation = normalizeMessages(request);
  const maxOutputTokens = catalog.find('anthropic', request.model)?.maxOutputTokens;
  const tools = anthropicTools(request);
  const cache = planAnthropicCacheBreakpoints({ request, conversation, tools });
  const body: MessageCreateParamsStreaming = {
    model: request.model,
    max_tokens:
      request.maxTokens ??
      Math.min(
        maxOutputTokens && maxOutputTokens > 0 ? maxOutputTokens : DEFAULT_MAX_TOKENS_CAP,
        DEFAULT_MAX_TOKENS_CAP,
      ),
    messages: convertToAnthropicMessages(conversation.messages, {
      cacheBreakpoints: cache.messages,
    }),
    stream: true,
  };
  if (conversation.system !== undefined) {
    body.system = cache.system
      ? [{ type: 'text', text: conversation.system, cache_control: EPHEMERAL }]
      : conversation.system;
  }
  if (request.stop !== undefined && request.stop.length > 0) body.stop_sequences = request.stop;

  const lastTool = tools.at(-1);
  if (cache.tools && lastTool) tools[tools.length - 1] = { ...lastTool, cache_control: EPHEMERAL };
  if (tools.length > 0) body.tools = tools;
  const jsonTool = anthropicJsonTool(request.responseFormat);
  if (jsonTool) {
    // JSON mode overrides any tool choice: the answer *is* the json tool's input.
    body.tool_choice = { type: 'tool', name: jsonTool.name, disable_parallel_tool_use: true };
  } else if (tools.length > 0) {
    const choice = anthropicToolChoice(request.toolChoice, request.parallelToolCalls);
    if (choice) body.tool_choice = choice;
  }
  return { ...body, ...request.providerOptions } as MessageCreateParamsStreaming;
}

/** The tool definitions as sent: the request's tools, then the JSON-mode tool if any. */
function anthropicTools(request: ChatRequest): Tool[] {
  const tools: Tool[] = (request.tools ?? []).map((tool) => ({
    name: tool.name,
    ...(tool.description !== undefined && { description: tool.description }),
    input_schema: { type: 'object', ...tool.parameters },
    ...(tool.strict !== undefined && { strict: tool.strict }),
  }));
  const jsonTool = anthropicJsonTool(request.responseFormat);
  if (jsonTool) {
    tools.push({ ...jsonTool, input_schema: { type: 'object', ...jsonTool.input_schema } });
  }
  return tools;
}

/** Maps the tool choice; `disable_parallel_tool_use` rides on it, so it may need one by itself. */
function anthropicToolChoice(
  choice: ToolChoice | undefined,
  parallelToolCalls: boolean | undefined,
): AnthropicToolChoice | undefined {
  const disableParallel = parallelToolCalls === false ? { disable_parallel_tool_use: true } : {};
  if (choice === undefined) {
    return parallelToolCalls === false ? { type: 'auto', ...disableParallel } : undefined;
  }
  if (typeof choice === 'object') return { type: 'tool', name: choice.name, ...disableParallel };
  switch (choice) {
    case 'auto':
      return { type: 'auto', ...disableParallel };
    case 'required':
      return { type: 'any', ...disableParallel };
    case 'none':
      return { type: 'none' };
    default: {
      const unreachable: never = choice;
      throw new Error(`unknown tool choice ${String(unreachable)}`);
    }
  }
}

/**
 * The settings of `request` that {@link createAnthropicRequest} cannot send, as warnings: sampling
 * parameters, `seed`, and cache breakpoints it did not place (too short a prefix, more than four).
 */
export function anthropicWarnings(request: ChatRequest): CallWarning[] {
  const warnings: CallWarning[] = [];
  const sampling = (setting: 'temperature' | 'topP') =>
    warnings.push({
      type: 'unsupported-setting',
      setting,
      message: `anthropic: "${setting}" is not sent: the Messages API version the SDK speaks accepts no sampling parameters`,
    });
  if (request.temperature !== undefined) sampling('temperature');
  if (request.topP !== undefined) sampling('topP');
  if (request.seed !== undefined) {
    warnings.push({
      type: 'unsupported-setting',
      setting: 'seed',
      message: 'anthropic: "seed" is not sent: the Messages API has no seed',
    });
  }
  const conversation = normalizeMessages(request);
  const tools = anthropicTools(request);
  warnings.push(...planAnthropicCacheBreakpoints({ request, conversation, tools }).warnings);
  return warnings;
}
