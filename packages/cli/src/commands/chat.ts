import { parseArgs } from 'node:util';
import {
  createProvider,
  defaultModelFor,
  defaultProviderName,
  isProviderName,
} from '@catalyst/providers';
import type { ChatRequest, StreamEvent } from '@catalyst/spec';
import { formatCost, formatUsage } from '../format-usage.js';
import type { CommandIo } from '../io.js';
import { UsageError } from '../usage-error.js';

/** Help for `catalyst chat`. */
export const CHAT_HELP = `catalyst chat [--provider P] [--model M] [--system TEXT] [--max-tokens N]
              [--temperature T] [--json] PROMPT | -

Reads the prompt from stdin when it is "-", or when none is given and stdin is piped.
Streams one completion to the terminal, then prints usage and cost on stderr.
With no --provider, the first provider whose key is set is used, else the local model.
  --json   print every stream event as one JSON line on stdout`;

/**
 * `catalyst chat`: streams tokens to stdout as they arrive; usage and cost go to stderr so
 * stdout stays the reply alone. Returns the exit code.
 */
export async function chatCommand(argv: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      provider: { type: 'string', short: 'p' },
      model: { type: 'string', short: 'm' },
      system: { type: 'string' },
      'max-tokens': { type: 'string' },
      temperature: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  // `-`, or no prompt with piped input: read the prompt from stdin.
  const fromStdin =
    (positionals.length === 1 && positionals[0] === '-') ||
    (positionals.length === 0 && io.stdin !== undefined && io.stdin.isTTY !== true);
  const prompt = (fromStdin ? await readAll(io.stdin) : positionals.join(' ')).trim();
  if (!prompt) throw new UsageError('chat needs a prompt, e.g. catalyst chat "Hello"');
  const providerName = values.provider ?? defaultProviderName(io.environment);
  if (!isProviderName(providerName)) {
    throw new UsageError(`unknown provider "${providerName}"`);
  }
  const model = values.model ?? defaultModelFor(providerName);
  if (!model) throw new UsageError(`--model is required for provider "${providerName}"`);
  if (!values.provider && !values.json) {
    io.stderr.write(`(using ${providerName} / ${model})\n`);
  }
  const provider = createProvider(providerName, { environment: io.environment });
  const request: ChatRequest = {
    model,
    messages: [{ role: 'user', content: prompt }],
    signal: io.signal,
  };
  if (values.system !== undefined) request.system = values.system;
  if (values['max-tokens'] !== undefined)
    request.maxTokens = parseNumber('--max-tokens', values['max-tokens']);
  if (values.temperature !== undefined)
    request.temperature = parseNumber('--temperature', values.temperature);

  let exitCode = 1;
  for await (const event of provider.stream(request)) {
    if (values.json) {
      io.stdout.write(`${JSON.stringify(event)}\n`);
    } else {
      printEvent(event, io);
    }
    if (event.type === 'done') exitCode = 0;
  }
  return exitCode;
}

function printEvent(event: StreamEvent, io: CommandIo): void {
  switch (event.type) {
    case 'token':
      io.stdout.write(event.text);
      break;
    case 'tool-call-delta':
      break;
    case 'tool-call':
      io.stdout.write(`\n[tool call] ${event.toolCall.name}(${event.toolCall.arguments})`);
      break;
    case 'retry':
      io.stderr.write(`(retry ${event.attempt} in ${event.delayMs} ms: ${event.error.message})\n`);
      break;
    case 'done':
      io.stdout.write('\n');
      io.stderr.write(
        `${event.provider} ${event.model} · ${event.finishReason} · ${formatUsage(event.usage)} · ${formatCost(event.cost)}\n`,
      );
      break;
    case 'error':
      if (event.partialText) io.stdout.write('\n');
      io.stderr.write(`error (${event.error.kind}): ${event.error.message}\n`);
      break;
    default: {
      const unreachable: never = event;
      throw new Error(`unknown event ${JSON.stringify(unreachable)}`);
    }
  }
}

function parseNumber(flag: string, value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number)) throw new UsageError(`${flag} must be a number, got "${value}"`);
  return number;
}

async function readAll(stdin: CommandIo['stdin']): Promise<string> {
  if (stdin === undefined) return '';
  const decoder = new TextDecoder();
  let text = '';
  for await (const chunk of stdin) {
    text += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
  }
  return text + decoder.decode();
}
