import type { WorkflowDefinition, WorkflowEvent, WorkflowNode } from '@catalyst/spec';
import { type Context, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ProviderResolver } from '../executors/node-executor.js';
import type { Telemetry } from './telemetry.js';
import { contextFromTraceparent } from './trace-context.js';
import { tracedProviders } from './traced-providers.js';

/** The spans of one run: the run's, one per node, one per provider attempt. */
export interface RunTrace {
  /** The providers `node` calls, traced under the node's span (which this starts). */
  providersForNode(node: WorkflowNode): ProviderResolver;
  /** Feeds each event of the run, in order: ends node spans, records routes and fallbacks. */
  observe(event: WorkflowEvent): void;
  /** Ends whatever is still open (a run stopped before its terminal event). */
  end(): void;
}

/**
 * Starts the span of a run (`workflow ID`, kind SERVER, a child of the caller's `traceparent`
 * when it sent one). Node spans (`node ID`) start as the node starts and end when it finishes,
 * with its usage and cost; an `llmRouter`'s decision is on its span, each fallback a span event.
 *
 * @example
 * const runTrace = startRunTrace({ telemetry, workflow, providers, traceparent });
 * executeWorkflow({ …, providersForNode: runTrace.providersForNode });
 */
export function startRunTrace(options: {
  telemetry: Telemetry;
  workflow: WorkflowDefinition;
  providers: ProviderResolver;
  traceparent?: string | null;
  tracestate?: string | null;
  now?: () => number;
}): RunTrace {
  const { telemetry, workflow } = options;
  const runSpan = telemetry.tracer.startSpan(
    `workflow ${workflow.id}`,
    {
      kind: SpanKind.SERVER,
      attributes: { 'catalyst.workflow.id': workflow.id },
    },
    contextFromTraceparent(options.traceparent, options.tracestate),
  );
  const runContext: Context = trace.setSpan(
    contextFromTraceparent(options.traceparent, options.tracestate),
    runSpan,
  );
  const nodeSpans = new Map<string, Span>();
  /** Nodes that finished; their span waits for the `partial` that carries usage and cost. */
  const finishing = new Map<string, number>();
  let ended = false;

  const endFinishing = (except?: string) => {
    for (const [node, endTime] of finishing) {
      if (node === except) continue;
      const span = nodeSpans.get(node);
      span?.setStatus({ code: SpanStatusCode.OK });
      span?.end(endTime);
      nodeSpans.delete(node);
      finishing.delete(node);
    }
  };

  return {
    providersForNode(node) {
      const span = telemetry.tracer.startSpan(
        `node ${node.id}`,
        { attributes: { 'catalyst.node.id': node.id, 'catalyst.node.type': node.type } },
        runContext,
      );
      nodeSpans.set(node.id, span);
      return tracedProviders({
        providers: options.providers,
        telemetry,
        parent: trace.setSpan(runContext, span),
        ...(options.now !== undefined && { now: options.now }),
      });
    },

    observe(event) {
      if (ended) return;
      endFinishing(event.type === 'partial' ? event.node : undefined);
      switch (event.type) {
        case 'node':
          if (event.status === 'finished') finishing.set(event.node, Date.now());
          break;
        case 'partial': {
          const span = nodeSpans.get(event.node);
          const output = event.output;
          if (span && output !== null && typeof output === 'object' && !Array.isArray(output)) {
            const cost = output.cost;
            if (cost !== null && typeof cost === 'object' && !Array.isArray(cost)) {
              if (typeof cost.totalUsd === 'number') {
                span.setAttribute('catalyst.cost_usd', cost.totalUsd);
              }
            }
            if (typeof output.provider === 'string') {
              span.setAttribute('catalyst.provider', output.provider);
            }
            if (typeof output.model === 'string') span.setAttribute('catalyst.model', output.model);
          }
          endFinishing();
          break;
        }
        case 'route':
          nodeSpans.get(event.node)?.setAttributes({
            'catalyst.route.index': event.route ?? -1,
            ...(event.name !== null && { 'catalyst.route.name': event.name }),
            'catalyst.route.strategy': event.strategy,
            'catalyst.route.targets': event.targets.map(
              (target) => `${target.provider}/${target.model}`,
            ),
            'catalyst.route.reason': event.reason,
            'catalyst.route.prompt_tokens': event.promptTokens,
          });
          break;
        case 'fallback':
          nodeSpans.get(event.node)?.addEvent('catalyst.fallback', {
            'catalyst.fallback.from': `${event.from.provider}/${event.from.model}`,
            'catalyst.fallback.to': `${event.to.provider}/${event.to.model}`,
            'error.type': event.error.kind,
            'catalyst.fallback.discard': event.discard,
          });
          break;
        case 'done':
          runSpan.setAttributes({
            'catalyst.tokens': event.tokenCount,
            ...(event.cost !== null && { 'catalyst.cost_usd': event.cost.totalUsd }),
          });
          runSpan.setStatus({ code: SpanStatusCode.OK });
          finish();
          break;
        case 'error': {
          const span = event.node !== undefined ? nodeSpans.get(event.node) : undefined;
          for (const target of span ? [span, runSpan] : [runSpan]) {
            target.setAttribute('error.type', event.kind);
            target.setStatus({ code: SpanStatusCode.ERROR, message: event.message });
          }
          finish();
          break;
        }
        case 'token':
        case 'tool-call-delta':
          break;
        default: {
          const unreachable: never = event;
          throw new Error(`unknown workflow event ${JSON.stringify(unreachable)}`);
        }
      }
    },

    end() {
      if (ended) return;
      runSpan.setAttribute('error.type', 'aborted');
      runSpan.setStatus({ code: SpanStatusCode.ERROR, message: 'the run was cancelled' });
      finish();
    },
  };

  function finish() {
    endFinishing();
    // Nodes still running when the run ended (cancelled with it).
    for (const span of nodeSpans.values()) span.end();
    nodeSpans.clear();
    runSpan.end();
    ended = true;
  }
}
