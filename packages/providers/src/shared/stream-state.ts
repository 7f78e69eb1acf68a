import {
  type ChatResult,
  emptyUsage,
  type FinishReason,
  type ToolCall,
  type Usage,
} from '@catalyst/spec';

interface PendingToolCall {
  id?: string;
  name: string;
  arguments: string;
}

/** Accumulates one attempt's stream into the final result. */
export class StreamState {
  text = '';
  usage: Usage = emptyUsage();
  finishReason: FinishReason | undefined;
  model: string | undefined;
  requestId: string | undefined;
  private readonly toolCalls = new Map<number, PendingToolCall>();

  addUsage(usage: Partial<Usage>): void {
    for (const [key, value] of Object.entries(usage) as [keyof Usage, number | undefined][]) {
      if (value !== undefined) this.usage[key] = value;
    }
  }

  addToolCallDelta(index: number, id: string | undefined, name: string | undefined, delta: string) {
    const pending = this.toolCalls.get(index) ?? { name: '', arguments: '' };
    if (id) pending.id = id;
    if (name) pending.name = name;
    pending.arguments += delta;
    this.toolCalls.set(index, pending);
  }

  /** The tool calls in index order, arguments parsed. */
  assembledToolCalls(): Array<{ index: number; toolCall: ToolCall }> {
    return [...this.toolCalls.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, pending]) => {
        // A call without arguments streams none at all; its input is the empty object.
        const argumentsText = pending.arguments === '' ? '{}' : pending.arguments;
        return {
          index,
          toolCall: {
            id: pending.id ?? `call_${index}`,
            name: pending.name,
            arguments: argumentsText,
            input: parseJson(argumentsText),
          },
        };
      });
  }

  /** Usage with the total filled in when the provider did not send one. */
  finalUsage(): Usage {
    const usage = { ...this.usage };
    if (usage.totalTokens === 0) usage.totalTokens = usage.inputTokens + usage.outputTokens;
    return usage;
  }

  result(
    fields: Pick<ChatResult, 'provider' | 'cost'> & { requestedModel: string; json: boolean },
  ): ChatResult {
    const toolCalls = this.assembledToolCalls().map((entry) => entry.toolCall);
    const result: ChatResult = {
      provider: fields.provider,
      model: this.model ?? fields.requestedModel,
      text: this.text,
      toolCalls,
      finishReason: this.finishReason ?? (toolCalls.length > 0 ? 'tool_calls' : 'stop'),
      usage: this.finalUsage(),
      cost: fields.cost,
    };
    if (fields.json) result.json = parseJson(this.text);
    if (this.requestId) result.requestId = this.requestId;
    return result;
  }
}

/** Parses JSON text; undefined when it is not valid JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
