import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createProviderRegistry } from '@catalyst/providers';
import { executeWorkflow, validateInput } from '@catalyst/runtime';
import type { JsonValue, WorkflowEvent } from '@catalyst/spec';
import { getNodeType } from '@catalyst/workflow';
import { formatCost, formatUsage } from '../format-usage.js';
import type { CommandIo } from '../io.js';
import { InvalidWorkflowError, loadValidWorkflow } from '../load-valid-workflow.js';
import { UsageError } from '../usage-error.js';

/** Help for `catalyst run`. */
export const RUN_HELP = `catalyst run FILE [--input JSON | --input-file F] [--json]

Runs a workflow and streams its tokens to stdout as they arrive; node progress, usage and cost
go to stderr, and the final output is printed as JSON. Ctrl-C or SIGTERM stops the run (within a
second) and exits 130 or 143; a second one exits at once.
  --json   print every event as one JSON line on stdout instead`;

/** `catalyst run`: one workflow run in the terminal. */
export async function runCommand(argv: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      input: { type: 'string', short: 'i' },
      'input-file': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const [path, ...extra] = positionals;
  if (!path || extra.length > 0) throw new UsageError('run takes exactly one workflow file');
  if (values.input !== undefined && values['input-file'] !== undefined) {
    throw new UsageError('give --input or --input-file, not both');
  }
  const inputText =
    values['input-file'] !== undefined
      ? await readFile(values['input-file'], 'utf8')
      : (values.input ?? '{}');
  let input: JsonValue;
  try {
    input = JSON.parse(inputText) as JsonValue;
  } catch {
    throw new UsageError(`the input is not valid JSON: ${inputText.slice(0, 80)}`);
  }

  let workflow: Awaited<ReturnType<typeof loadValidWorkflow>>;
  try {
    workflow = await loadValidWorkflow(path, io);
  } catch (error) {
    if (error instanceof InvalidWorkflowError) {
      io.stderr.write(`catalyst run: ${error.message}; not running it\n`);
      return 1;
    }
    throw error;
  }
  const problems = validateInput(workflow.input, input);
  if (problems.length > 0) {
    for (const problem of problems) {
      io.stderr.write(`input${problem.path || ''}: ${problem.message}\n`);
    }
    io.stderr.write(
      `catalyst run: the input does not match the input schema of "${workflow.id}"\n`,
    );
    return 1;
  }

  for (const node of workflow.nodes) {
    if (getNodeType(node.type)?.provider === 'local') {
      io.stderr.write(
        `(node "${node.id}" runs on the embedded local model: no API key, no network)\n`,
      );
    }
  }
  const printer = new RunPrinter(io, workflow.nodes.length > 3);
  let exitCode = 1;
  for await (const event of executeWorkflow({
    workflow,
    input,
    signal: io.signal,
    providers: createProviderRegistry({ environment: io.environment }),
    environment: io.environment,
  })) {
    if (values.json) io.stdout.write(`${JSON.stringify(event)}\n`);
    else printer.print(event);
    if (event.type === 'done') exitCode = 0;
  }
  return exitCode;
}

/** Terminal rendering of a run: tokens on stdout, with a header when the streaming node changes. */
class RunPrinter {
  private lastTokenNode: string | undefined;
  private midLine = false;

  constructor(
    private readonly io: CommandIo,
    private readonly showProgress: boolean,
  ) {}

  print(event: WorkflowEvent): void {
    const { io } = this;
    switch (event.type) {
      case 'token':
        if (this.lastTokenNode !== event.node && this.lastTokenNode !== undefined) {
          io.stdout.write(`\n[${event.node}] `);
        } else if (this.lastTokenNode === undefined && this.showProgress) {
          io.stdout.write(`[${event.node}] `);
        }
        this.lastTokenNode = event.node;
        io.stdout.write(event.text);
        this.midLine = !event.text.endsWith('\n');
        break;
      case 'node':
        if (this.showProgress && event.status !== 'started') {
          this.endLine();
          io.stderr.write(`· ${event.node} (${event.nodeType}) ${event.status}\n`);
        }
        break;
      case 'partial':
      case 'tool-call-delta':
        // The whole call shows in the output; fragments of its JSON would only be noise.
        break;
      case 'route':
        if (this.showProgress) {
          this.endLine();
          io.stderr.write(`· ${event.node} routed: ${event.reason}\n`);
        }
        break;
      case 'fallback':
        // Always shown: a switch after tokens means the text above is void.
        this.endLine();
        io.stderr.write(
          `· ${event.node}: ${event.from.provider}/${event.from.model} failed (${event.error.kind}); trying ${event.to.provider}/${event.to.model}${event.discard ? ' — discard the text above, it starts over' : ''}\n`,
        );
        break;
      case 'done': {
        this.endLine();
        for (const [node, usage] of Object.entries(event.usage)) {
          io.stderr.write(
            `${node}: ${usage.provider} ${usage.model} · ${formatUsage(usage.usage)} · ${formatCost(usage.cost)}\n`,
          );
        }
        io.stderr.write(`total cost: ${formatCost(event.cost)}\n`);
        for (const warning of event.warnings ?? []) {
          io.stderr.write(`warning: node "${warning.node}": ${warning.message}\n`);
        }
        if (typeof event.output !== 'string' || event.output !== event.text) {
          io.stdout.write(`${JSON.stringify(event.output, null, 2)}\n`);
        }
        break;
      }
      case 'error':
        this.endLine();
        io.stderr.write(`error in node "${event.node ?? '-'}" (${event.kind}): ${event.message}\n`);
        break;
      default: {
        const unreachable: never = event;
        throw new Error(`unknown event ${JSON.stringify(unreachable)}`);
      }
    }
  }

  private endLine(): void {
    if (this.midLine) this.io.stdout.write('\n');
    this.midLine = false;
  }
}
