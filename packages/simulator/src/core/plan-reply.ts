import type {
  PlannedFinish,
  PlannedToolCall,
  ReplyPlan,
  RequestSummary,
  SimRequest,
} from '../types.js';
import { estimateInputTokens, estimateTokens } from './estimate-tokens.js';
import type { ScenarioAction, ScriptedToolCall } from './scenario.js';
import { splitAtArbitraryPositions, splitIntoChunks } from './split-into-chunks.js';
import { stableId } from './stable-hash.js';
import { synthesizeFromSchema } from './synthesize-from-schema.js';

/** Timing when neither the request nor the scenario sets one: fast, but still a real stream. */
export const DEFAULT_TIMING = { firstTokenMs: 0, tokenDelayMs: 0 };

const ECHO_LIMIT = 300;

function defaultText(model: string, summary: RequestSummary, lastUserText: string): string {
  if (summary.lastIsToolResult) {
    const result = (summary.lastToolResultText ?? '').slice(0, ECHO_LIMIT);
    return `The tool returned: ${result}`;
  }
  const echo = lastUserText.trim().slice(0, ECHO_LIMIT);
  if (echo.length === 0) return `Hello from the Catalyst simulator (${model}).`;
  return `Simulated reply from ${model}: you said "${echo}".`;
}

function toolCallId(request: SimRequest, index: number): string {
  return `call_${stableId(`${request.id}:${index}`, 24)}`;
}

function scriptedToolCalls(calls: ScriptedToolCall[], request: SimRequest): PlannedToolCall[] {
  return calls.map((call, index) => ({
    id: call.id ?? toolCallId(request, index),
    name: call.name,
    arguments:
      typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments ?? {}),
  }));
}

function derivedToolCalls(summary: RequestSummary, request: SimRequest): PlannedToolCall[] {
  if (summary.tools.length === 0 || summary.toolChoice === 'none' || summary.lastIsToolResult) {
    return [];
  }
  const choice = summary.toolChoice;
  const forced = typeof choice === 'object' ? choice.name : undefined;
  const tool = summary.tools.find((candidate) => candidate.name === forced) ?? summary.tools[0];
  if (!tool) return [];
  return [
    {
      id: toolCallId(request, 0),
      name: tool.name,
      arguments: JSON.stringify(synthesizeFromSchema(tool.parameters)),
    },
  ];
}

function derivedJson(summary: RequestSummary, model: string, lastUserText: string): unknown {
  const format = summary.responseFormat;
  switch (format.type) {
    case 'text':
      return undefined;
    case 'json_object':
      return { reply: `Simulated JSON from ${model}`, echo: lastUserText.slice(0, ECHO_LIMIT) };
    case 'json_schema':
      return synthesizeFromSchema(format.schema);
    default: {
      const unreachable: never = format;
      return unreachable;
    }
  }
}

/** Cuts text at the earliest stop sequence, if one occurs. */
function applyStop(text: string, stop: string[]): { text: string; stopSequence?: string } {
  let cut: { index: number; sequence: string } | undefined;
  for (const sequence of stop) {
    if (sequence.length === 0) continue;
    const index = text.indexOf(sequence);
    if (index >= 0 && (cut === undefined || index < cut.index)) cut = { index, sequence };
  }
  return cut ? { text: text.slice(0, cut.index), stopSequence: cut.sequence } : { text };
}

/**
 * Decides the whole reply before the first byte: text chunks or tool calls, finish reason,
 * usage, timing and fault. Without a scenario the reply is derived from the request so tests
 * can predict it: it echoes the last user message and names the model.
 *
 * @example planReply({ request, summary, action: {}, lastUserText: 'Hi' }).chunks.join('')
 * // 'Simulated reply from gpt-4o: you said "Hi".'
 */
export function planReply(options: {
  request: SimRequest;
  summary: RequestSummary;
  action: ScenarioAction;
  lastUserText: string;
  defaultTiming?: { firstTokenMs?: number; tokenDelayMs?: number };
}): ReplyPlan {
  const { request, summary, action, lastUserText } = options;
  const reply = action.reply ?? {};
  const model = reply.model ?? request.model ?? 'simulated-model';

  let toolCalls: PlannedToolCall[] = reply.toolCalls
    ? scriptedToolCalls(reply.toolCalls, request)
    : [];
  let chunks: string[];
  let finish: PlannedFinish = 'stop';
  let stopSequence: string | undefined;

  const scriptedJson = reply.json;
  if (reply.chunks) {
    chunks = [...reply.chunks];
  } else if (reply.text !== undefined) {
    chunks = splitIntoChunks(reply.text);
  } else if (scriptedJson !== undefined) {
    chunks = splitAtArbitraryPositions(JSON.stringify(scriptedJson));
  } else if (reply.toolCalls) {
    chunks = [];
  } else {
    toolCalls = derivedToolCalls(summary, request);
    const json = toolCalls.length > 0 ? undefined : derivedJson(summary, model, lastUserText);
    if (toolCalls.length > 0) chunks = [];
    else if (json !== undefined) chunks = splitAtArbitraryPositions(JSON.stringify(json));
    else chunks = splitIntoChunks(defaultText(model, summary, lastUserText));
  }

  if (toolCalls.length > 0) finish = 'tool_calls';

  // A stop sequence cuts the text; the reply then ends because of it.
  if (summary.stop.length > 0 && chunks.length > 0) {
    const stopped = applyStop(chunks.join(''), summary.stop);
    if (stopped.stopSequence !== undefined) {
      chunks = reply.chunks
        ? trimChunks(chunks, stopped.text.length)
        : splitIntoChunks(stopped.text);
      stopSequence = stopped.stopSequence;
      finish = 'stop_sequence';
    }
  }

  const argumentTokens = toolCalls.reduce(
    (total, call) => total + estimateTokens(call.name) + estimateTokens(call.arguments),
    0,
  );
  let outputTokens = chunks.length + argumentTokens;
  if (summary.maxTokens !== undefined && outputTokens > summary.maxTokens) {
    chunks = chunks.slice(0, Math.max(0, summary.maxTokens));
    outputTokens = summary.maxTokens;
    finish = 'length';
    stopSequence = undefined;
  }
  if (reply.finish) finish = reply.finish;

  const timing = {
    firstTokenMs:
      action.timing?.firstTokenMs ??
      options.defaultTiming?.firstTokenMs ??
      DEFAULT_TIMING.firstTokenMs,
    tokenDelayMs:
      action.timing?.tokenDelayMs ??
      options.defaultTiming?.tokenDelayMs ??
      DEFAULT_TIMING.tokenDelayMs,
  };

  return {
    model,
    chunks,
    toolCalls,
    finish,
    ...(stopSequence !== undefined ? { stopSequence } : {}),
    usage: {
      inputTokens:
        reply.usage?.inputTokens ??
        estimateInputTokens({ promptText: summary.promptText, messageCount: summary.messageCount }),
      outputTokens: reply.usage?.outputTokens ?? outputTokens,
      cacheReadTokens: reply.usage?.cacheReadTokens ?? 0,
      cacheWriteTokens: reply.usage?.cacheWriteTokens ?? 0,
    },
    timing,
    ...(action.fault ? { fault: action.fault } : {}),
    choices: Math.max(1, summary.choices),
  };
}

/** Keeps the leading chunks that make up the first `length` characters. */
function trimChunks(chunks: string[], length: number): string[] {
  const kept: string[] = [];
  let total = 0;
  for (const chunk of chunks) {
    if (total >= length) break;
    kept.push(chunk.slice(0, length - total));
    total += chunk.length;
  }
  return kept;
}
