import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createProviderRegistry } from '@catalyst/providers';
import { parseScenario, type RunningSimulator, startSimulator } from '@catalyst/simulator';
import type { WorkflowDefinition } from '@catalyst/spec';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCatalystApp } from '../server/create-catalyst-app.js';
import { conformanceEnvironment } from '../testing/conformance-vector.js';
import type { Telemetry } from './telemetry.js';

// Spans per run, node and provider attempt with the GenAI semantic conventions: read back from
// the SDK's in-memory exporter, and from a real OTLP/HTTP receiver.

const chat: WorkflowDefinition = {
  id: 'chat',
  name: 'Chat',
  input: { type: 'object', properties: { question: { type: 'string' } }, required: ['question'] },
  nodes: [
    { id: 'input', type: 'input' },
    {
      id: 'answer',
      type: 'openaiCompletion',
      config: { model: 'gpt-4.1-mini', prompt: '{{ input.question }}', temperature: 0.5 },
    },
    { id: 'output', type: 'output', config: { value: '{{ nodes.answer.text }}' } },
  ],
  edges: [
    { from: 'input', to: 'answer' },
    { from: 'answer', to: 'output' },
  ],
};

const router: WorkflowDefinition = {
  id: 'router',
  name: 'Router',
  input: { type: 'object', properties: { question: { type: 'string' } }, required: ['question'] },
  nodes: [
    { id: 'input', type: 'input' },
    {
      id: 'answer',
      type: 'llmRouter',
      config: {
        prompt: '{{ input.question }}',
        maxRetries: 0,
        default: [
          { provider: 'openai', model: 'gpt-4.1-mini' },
          { provider: 'anthropic', model: 'claude-haiku-4-5' },
        ],
      },
    },
    { id: 'output', type: 'output', config: { value: '{{ nodes.answer.text }}' } },
  ],
  edges: [
    { from: 'input', to: 'answer' },
    { from: 'answer', to: 'output' },
  ],
};

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN_ID = '00f067aa0ba902b7';

let simulator: RunningSimulator;
beforeAll(async () => {
  simulator = await startSimulator({ port: 0 });
});
afterAll(async () => {
  await simulator.close();
});
beforeEach(() => {
  simulator.reset();
  simulator.setScenario(parseScenario({ rules: [] }));
});

function inMemoryTelemetry(captureContent = false) {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const telemetry: Telemetry = {
    tracer: provider.getTracer('catalyst'),
    captureContent,
    shutdown: () => provider.shutdown(),
  };
  return { exporter, telemetry };
}

function appWith(
  telemetry: Telemetry | null | undefined,
  environment: Record<string, string> = {},
) {
  return createCatalystApp({
    workflows: [chat, router],
    providers: createProviderRegistry({ environment: conformanceEnvironment(simulator.url) }),
    environment,
    ...(telemetry !== undefined && { telemetry }),
  });
}

async function runStream(
  app: ReturnType<typeof createCatalystApp>,
  workflow: string,
  question: string,
  headers: Record<string, string> = {},
) {
  const response = await app.fetch(
    new Request(`http://catalyst.test/workflows/${workflow}/stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ question }),
    }),
  );
  return response.text();
}

function byName(spans: ReadableSpan[], name: string): ReadableSpan[] {
  return spans.filter((span) => span.name === name);
}

describe('OpenTelemetry spans', () => {
  it('traces run → node → provider attempts under the caller traceparent, retries as failed attempts', async () => {
    simulator.setScenario(
      parseScenario({
        rules: [
          {
            match: { provider: 'openai', nth: 1 },
            fault: { type: 'http', kind: 'rate_limit', retryAfterMs: 1 },
          },
          { match: { provider: 'openai' }, reply: { chunks: ['Hello ', 'world.'] } },
        ],
      }),
    );
    const { exporter, telemetry } = inMemoryTelemetry();
    const app = appWith(telemetry);
    await runStream(app, 'chat', 'Hi', {
      traceparent: `00-${TRACE_ID}-${CALLER_SPAN_ID}-01`,
    });
    await app.close();
    const spans = exporter.getFinishedSpans();
    const [run] = byName(spans, 'workflow chat');
    const [node] = byName(spans, 'node answer');
    const attempts = byName(spans, 'chat gpt-4.1-mini');
    expect(run?.spanContext().traceId).toBe(TRACE_ID);
    expect(run?.parentSpanContext?.spanId).toBe(CALLER_SPAN_ID);
    expect(run?.attributes).toMatchObject({ 'catalyst.workflow.id': 'chat', 'catalyst.tokens': 2 });
    expect(run?.attributes['catalyst.cost_usd']).toBeGreaterThan(0);
    expect(node?.parentSpanContext?.spanId).toBe(run?.spanContext().spanId);
    expect(node?.attributes).toMatchObject({
      'catalyst.node.type': 'openaiCompletion',
      'catalyst.provider': 'openai',
    });
    expect(byName(spans, 'node input')).toHaveLength(1);
    expect(attempts).toHaveLength(2);
    for (const attempt of attempts) {
      expect(attempt.parentSpanContext?.spanId).toBe(node?.spanContext().spanId);
    }
    const [failed, succeeded] = attempts.sort(
      (a, b) => Number(a.attributes['catalyst.attempt']) - Number(b.attributes['catalyst.attempt']),
    );
    expect(failed?.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'error.type': 'rate_limit',
    });
    expect(failed?.status.code).toBe(2);
    expect(succeeded?.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4.1-mini',
      'gen_ai.request.temperature': 0.5,
      'gen_ai.response.model': expect.stringContaining('gpt-4.1-mini'),
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': expect.any(Number),
      'gen_ai.usage.output_tokens': expect.any(Number),
      'catalyst.usage.cache_read_tokens': 0,
      'catalyst.time_to_first_token_ms': expect.any(Number),
    });
    expect(succeeded?.attributes['catalyst.cost_usd']).toBeGreaterThan(0);
    // No prompt or completion text unless asked for.
    expect(succeeded?.attributes['gen_ai.input.messages']).toBeUndefined();
    // The provider requests carried the trace: the call's first attempt span is their parent.
    const sent = simulator.requests().map((request) => request.headers.traceparent);
    expect(sent).toEqual([
      `00-${TRACE_ID}-${failed?.spanContext().spanId}-01`,
      `00-${TRACE_ID}-${failed?.spanContext().spanId}-01`,
    ]);
  });

  it('records the route decision and each fallback on the router node, and text only when enabled', async () => {
    simulator.setScenario(
      parseScenario({
        rules: [
          { match: { provider: 'openai' }, fault: { type: 'http', kind: 'overloaded' } },
          { match: { provider: 'anthropic' }, reply: { text: 'From Claude.' } },
        ],
      }),
    );
    const { exporter, telemetry } = inMemoryTelemetry(true);
    const app = appWith(telemetry);
    await runStream(app, 'router', 'Route me');
    await app.close();
    const spans = exporter.getFinishedSpans();
    const [node] = byName(spans, 'node answer');
    expect(node?.attributes).toMatchObject({
      'catalyst.node.type': 'llmRouter',
      'catalyst.route.strategy': 'ordered',
      'catalyst.route.targets': ['openai/gpt-4.1-mini', 'anthropic/claude-haiku-4-5'],
    });
    expect(node?.events.map((event) => [event.name, event.attributes])).toEqual([
      [
        'catalyst.fallback',
        {
          'catalyst.fallback.from': 'openai/gpt-4.1-mini',
          'catalyst.fallback.to': 'anthropic/claude-haiku-4-5',
          'error.type': 'overloaded',
          'catalyst.fallback.discard': false,
        },
      ],
    ]);
    const [claude] = byName(spans, 'chat claude-haiku-4-5');
    expect(claude?.attributes['gen_ai.provider.name']).toBe('anthropic');
    expect(JSON.parse(String(claude?.attributes['gen_ai.input.messages']))).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Route me' }] },
    ]);
    expect(JSON.parse(String(claude?.attributes['gen_ai.output.messages']))).toEqual([
      {
        role: 'assistant',
        parts: [{ type: 'text', content: 'From Claude.' }],
        finish_reason: 'stop',
      },
    ]);
    expect(byName(spans, 'chat gpt-4.1-mini')[0]?.attributes['error.type']).toBe('overloaded');
  });

  it('exports over OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT, flushed on close', async () => {
    const received: Array<{ path: string; body: unknown; contentType: string | undefined }> = [];
    const receiver: Server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({
          path: request.url ?? '',
          contentType: request.headers['content-type'],
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
        });
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const port = (receiver.address() as AddressInfo).port;
    try {
      const app = appWith(undefined, {
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
        OTEL_SERVICE_NAME: 'catalyst-test',
      });
      await runStream(app, 'chat', 'Export me');
      await app.close();
      expect(received.length).toBeGreaterThan(0);
      expect(received[0]?.path).toBe('/v1/traces');
      expect(received[0]?.contentType).toContain('application/json');
      type Exported = {
        resourceSpans: Array<{
          resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> };
          scopeSpans: Array<{
            spans: Array<{ name: string; attributes: Array<{ key: string; value: unknown }> }>;
          }>;
        }>;
      };
      const resourceSpans = received.flatMap((entry) => (entry.body as Exported).resourceSpans);
      const service = resourceSpans[0]?.resource.attributes.find(
        (attribute) => attribute.key === 'service.name',
      );
      expect(service?.value.stringValue).toBe('catalyst-test');
      const spans = resourceSpans.flatMap((resource) =>
        resource.scopeSpans.flatMap((scope) => scope.spans),
      );
      expect(spans.map((span) => span.name).sort()).toEqual([
        'chat gpt-4.1-mini',
        'node answer',
        'node input',
        'node output',
        'workflow chat',
      ]);
      const chatSpan = spans.find((span) => span.name === 'chat gpt-4.1-mini');
      expect(chatSpan?.attributes).toContainEqual({
        key: 'gen_ai.provider.name',
        value: { stringValue: 'openai' },
      });
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }
  });

  it('makes no spans and sends no traceparent without telemetry', async () => {
    const app = appWith(undefined);
    await runStream(app, 'chat', 'Quiet', { traceparent: `00-${TRACE_ID}-${CALLER_SPAN_ID}-01` });
    await app.close();
    expect(simulator.requests()[0]?.headers.traceparent).toBeUndefined();
  });
});
