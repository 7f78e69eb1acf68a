import { DIRECTIVE_HEADER, type RunningSimulator, type ScenarioAction } from '@catalyst/simulator';
import type {
  ChatRequest,
  LanguageModelProvider,
  ProviderErrorKind,
  ResponseFormat,
} from '@catalyst/spec';
import { beforeEach, describe, expect, it } from 'vitest';
import { ModelCatalog } from '../catalog/model-catalog.js';
import { collectEvents } from './collect-events.js';
import { terminalError, terminalEvent } from './terminal-event.js';

/** How to run one provider through the contract, and what its API does differently. */
export interface ProviderContractTarget {
  /** The provider under test, pointed at the simulator, sending `headers` on every request. */
  create(options: {
    simulatorUrl: string;
    headers?: Record<string, string>;
  }): LanguageModelProvider;
  /** The key `create` configures; it must never reach an event or a message. */
  apiKey: string;
  model: string;
  /** The HTTP statuses this API answers an auth failure and an overload with. */
  statuses: { auth: number; overloaded: number };
  /** What a "model not found" message offers (a list of models, a deployment reminder). */
  modelNotFoundHint: RegExp;
  /** Whether tool-call arguments stream in several deltas (`split`) or arrive in one (`whole`). */
  toolArguments: 'split' | 'whole';
  /** The cache token counts this API reports (the others read as 0). */
  cacheTokens: { read: boolean; write: boolean };
  /**
   * The kind an in-stream "overloaded" error maps to: OpenAI-style streams carry the error
   * without a status or type that says overload, so it reads as a server error there.
   */
  inStreamOverloadedKind: 'overloaded' | 'server';
  /** Whether the catalog prices `model` (otherwise the cost is null). */
  priced: boolean;
  /** Whether responses carry a request id (the simulator's are `req_…`). */
  requestIds: boolean;
  /** Asserts the wire body asks for JSON output in this API's way. */
  expectJsonRequest(body: unknown, format: ResponseFormat): void;
  /** Asserts system, temperature, maxTokens and stop (and seed where it exists) reached the wire. */
  expectMappedRequest(body: unknown): void;
  /** A provider with no key configured, and the variable its error must name. */
  missingKey?: { create(): LanguageModelProvider; variable: RegExp };
  /** A model `listModels()` returns (its id starts with `id`), with its catalog price. */
  listedModel?: { id: string; inputPerMillion: number };
}

const FAST = { timing: { firstTokenMs: 0, tokenDelayMs: 0 } };
const WEATHER_TOOLS = [
  { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
  { name: 'get_time', parameters: { type: 'object', properties: { zone: { type: 'string' } } } },
];
const PLACE_SCHEMA = {
  type: 'object',
  properties: { city: { type: 'string' } },
  required: ['city'],
  additionalProperties: false,
};

interface HttpFaultCase {
  name: string;
  fault: ScenarioAction['fault'];
  kind: ProviderErrorKind;
  status: (target: ProviderContractTarget) => number;
  retryable: boolean;
  message?: RegExp;
}

const HTTP_FAULTS: HttpFaultCase[] = [
  {
    name: 'auth',
    fault: { type: 'http', kind: 'auth' },
    kind: 'auth',
    status: (target) => target.statuses.auth,
    retryable: false,
    message: /API_KEY/,
  },
  {
    name: 'context too long',
    fault: { type: 'http', kind: 'context_length' },
    kind: 'context_length',
    status: () => 400,
    retryable: false,
    message: /Shorten the input/,
  },
  {
    name: 'server error',
    fault: { type: 'http', kind: 'server' },
    kind: 'server',
    status: () => 500,
    retryable: true,
  },
  {
    name: 'overloaded',
    fault: { type: 'http', kind: 'overloaded' },
    kind: 'overloaded',
    status: (target) => target.statuses.overloaded,
    retryable: true,
  },
];

/**
 * The behaviour every chat provider owes its callers, run against the simulator's copy of its
 * wire protocol: streaming, generate, tools, JSON modes, usage and cost, every fault the
 * simulator can inject, and abort. `simulator()` is read per test, after the caller's
 * `beforeAll` has started it; the log and scenario are cleared before each case.
 *
 * @example
 * describeProviderContract('anthropic', { simulator: () => simulator, target: ANTHROPIC });
 */
export function describeProviderContract(
  name: string,
  options: { simulator: () => RunningSimulator; target: ProviderContractTarget },
): void {
  const { target } = options;
  const simulator = () => options.simulator();
  /** The provider, every request of which carries `directive` (the simulator's steering). */
  const provider = (directive?: ScenarioAction) =>
    target.create({
      simulatorUrl: simulator().url,
      ...(directive && { headers: { [DIRECTIVE_HEADER]: JSON.stringify(directive) } }),
    });
  const request = (fields: Partial<ChatRequest> = {}): ChatRequest => ({
    model: target.model,
    messages: [{ role: 'user', content: 'Say hello' }],
    signal: AbortSignal.timeout(10_000),
    ...fields,
  });
  const failure = (events: Parameters<typeof terminalError>[0]) => {
    const last = terminalError(events, { secrets: [target.apiKey] });
    expect(last.error.message).not.toContain('SECRET');
    return last;
  };
  const lastBody = () => simulator().requests().at(-1)?.body;

  describe(`${name} provider contract`, () => {
    beforeEach(() => {
      simulator().setScenario(undefined);
      simulator().reset();
    });

    describe('answers', () => {
      it('streams text token by token, then one done with model, finish reason and request id', async () => {
        const events = await collectEvents(
          provider({ ...FAST, reply: { chunks: ['The ', 'quick ', 'brown ', 'fox.'] } }).stream(
            request(),
          ),
        );
        const tokens = events.filter((event) => event.type === 'token');
        expect(tokens.map((event) => event.text)).toEqual(['The ', 'quick ', 'brown ', 'fox.']);
        const done = terminalEvent(events);
        expect(done).toMatchObject({
          type: 'done',
          text: 'The quick brown fox.',
          finishReason: 'stop',
        });
        if (done.type !== 'done') return;
        expect(done.model).toBeTruthy();
        if (target.requestIds) expect(done.requestId).toMatch(/^req_/);
      });

      it('generates a whole reply and maps the request onto the wire', async () => {
        const result = await provider({ ...FAST, reply: { text: 'Four.' } }).generate(
          request({
            system: 'Answer briefly.',
            temperature: 0.3,
            maxTokens: 50,
            stop: ['\n\n'],
            seed: 42,
          }),
        );
        expect(result).toMatchObject({
          provider: provider().name,
          text: 'Four.',
          finishReason: 'stop',
        });
        target.expectMappedRequest(lastBody());
      });

      it('reports usage, cache tokens included, and prices it from the catalog', async () => {
        const result = await provider({
          ...FAST,
          reply: {
            text: 'ok',
            usage: {
              inputTokens: 1000,
              outputTokens: 10,
              cacheReadTokens: 800,
              cacheWriteTokens: 100,
            },
          },
        }).generate(request());
        expect(result.usage).toMatchObject({
          inputTokens: 1000,
          outputTokens: 10,
          totalTokens: 1010,
          cacheReadTokens: target.cacheTokens.read ? 800 : 0,
          cacheWriteTokens: target.cacheTokens.write ? 100 : 0,
        });
        if (!target.priced) {
          expect(result.cost).toBeNull();
          return;
        }
        const expected = ModelCatalog.default().cost(provider().name, target.model, result.usage);
        expect(expected).not.toBeNull();
        expect(result.cost?.totalUsd).toBeCloseTo(expected?.totalUsd ?? Number.NaN, 12);
      });

      if (target.listedModel) {
        const listedModel = target.listedModel;
        it('lists models merged with the catalog', async () => {
          const models = await provider().listModels({ signal: AbortSignal.timeout(5000) });
          expect(models.every((model) => model.provider === provider().name)).toBe(true);
          const listed = models.find((model) => model.id.startsWith(listedModel.id));
          expect(listed?.pricing?.inputPerMillion).toBe(listedModel.inputPerMillion);
        });
      }
    });

    describe('tools', () => {
      it(`assembles parallel tool calls whose arguments arrive ${target.toolArguments}`, async () => {
        const events = await collectEvents(
          provider({
            ...FAST,
            reply: {
              toolCalls: [
                { name: 'get_weather', arguments: { city: 'Paris, France' } },
                { name: 'get_time', arguments: { zone: 'Europe/Paris' } },
              ],
            },
          }).stream(request({ tools: WEATHER_TOOLS, toolChoice: 'auto', parallelToolCalls: true })),
        );
        const calls = events.filter((event) => event.type === 'tool-call');
        expect(calls.map((event) => event.toolCall.name)).toEqual(['get_weather', 'get_time']);
        expect(calls.map((event) => event.toolCall.input)).toEqual([
          { city: 'Paris, France' },
          { zone: 'Europe/Paris' },
        ]);
        expect(calls.every((event) => event.toolCall.id.length > 0)).toBe(true);
        const firstCallDeltas = events.filter(
          (event) => event.type === 'tool-call-delta' && event.index === 0 && event.argumentsDelta,
        );
        if (target.toolArguments === 'split') expect(firstCallDeltas.length).toBeGreaterThan(1);
        else expect(firstCallDeltas).toHaveLength(1);
        expect(terminalEvent(events)).toMatchObject({ type: 'done', finishReason: 'tool_calls' });
      });

      it('sends a tool result back and gets the answer', async () => {
        const result = await provider(FAST).generate(
          request({
            tools: WEATHER_TOOLS,
            messages: [
              { role: 'user', content: 'Weather in Paris?' },
              {
                role: 'assistant',
                content: '',
                toolCalls: [
                  {
                    id: 'call_1',
                    name: 'get_weather',
                    arguments: '{"city":"Paris"}',
                    input: { city: 'Paris' },
                  },
                ],
              },
              {
                role: 'tool',
                toolCallId: 'call_1',
                toolName: 'get_weather',
                content: '{"celsius":18}',
              },
            ],
          }),
        );
        expect(result.finishReason).toBe('stop');
        expect(result.text).toContain('18');
      });
    });

    describe('JSON output', () => {
      it.each<[string, ResponseFormat]>([
        ['json_object', { type: 'json_object' }],
        ['json_schema', { type: 'json_schema', name: 'place', schema: PLACE_SCHEMA, strict: true }],
      ])('answers in JSON mode (%s) with text plus parsed json', async (_name, responseFormat) => {
        const events = await collectEvents(
          provider({ ...FAST, reply: { json: { city: 'Paris' } } }).stream(
            request({ responseFormat }),
          ),
        );
        expect(
          events.some((event) => event.type === 'tool-call' || event.type === 'tool-call-delta'),
        ).toBe(false);
        const done = terminalEvent(events);
        expect(done).toMatchObject({
          type: 'done',
          json: { city: 'Paris' },
          finishReason: 'stop',
          toolCalls: [],
        });
        expect(done.type === 'done' && JSON.parse(done.text)).toEqual({ city: 'Paris' });
        target.expectJsonRequest(lastBody(), responseFormat);
      });

      it('answers JSON matching the schema when nothing is scripted', async () => {
        const result = await provider(FAST).generate(
          request({
            responseFormat: { type: 'json_schema', name: 'place', schema: PLACE_SCHEMA },
          }),
        );
        expect(result.json).toEqual({ city: expect.any(String) });
        expect(result.toolCalls).toEqual([]);
      });
    });

    describe('faults', () => {
      it.each(HTTP_FAULTS)(
        'maps HTTP $name to a typed error after one request',
        async ({ fault, kind, status, retryable, message }) => {
          const events = await collectEvents(
            provider(fault && { fault }).stream(request({ maxRetries: 0 })),
          );
          const { error, partialText } = failure(events);
          expect(error).toMatchObject({
            kind,
            status: status(target),
            retryable,
            provider: provider().name,
          });
          if (message) expect(error.message).toMatch(message);
          if (target.requestIds) expect(error.requestId).toMatch(/^req_/);
          expect(partialText).toBe('');
          // maxRetries 0 means one request: the SDK's own retries are off, ours are the only ones.
          expect(simulator().requests()).toHaveLength(1);
        },
      );

      it('maps 404 for an unknown model, saying what to use instead', async () => {
        // A rule, not a per-request directive: the model list a provider may fetch to offer
        // alternatives must still answer.
        simulator().setScenario({
          rules: [
            { match: { operation: 'chat' }, fault: { type: 'http', kind: 'model_not_found' } },
          ],
        });
        const events = await collectEvents(
          provider().stream(request({ model: 'no-such-model', maxRetries: 0 })),
        );
        const { error } = failure(events);
        expect(error).toMatchObject({ kind: 'model_not_found', status: 404, retryable: false });
        expect(error.message).toMatch(target.modelNotFoundHint);
      });

      it('makes generate() throw the same typed error', async () => {
        await expect(
          provider({ fault: { type: 'http', kind: 'auth' } }).generate(request({ maxRetries: 0 })),
        ).rejects.toMatchObject({ name: 'ProviderError', kind: 'auth', provider: provider().name });
      });

      it('retries a 429 after its retry-after, then succeeds', async () => {
        simulator().setScenario({
          rules: [
            { match: { times: 1 }, fault: { type: 'http', kind: 'rate_limit', retryAfterMs: 20 } },
            { ...FAST, reply: { text: 'after the wait' } },
          ],
        });
        const events = await collectEvents(provider().stream(request()));
        expect(events[0]).toMatchObject({
          type: 'retry',
          attempt: 1,
          delayMs: 20,
          error: { kind: 'rate_limit', retryAfterMs: 20 },
        });
        expect(terminalEvent(events)).toMatchObject({ type: 'done', text: 'after the wait' });
        expect(simulator().requests()).toHaveLength(2);
      });

      it.each([
        ['retry-after-ms', { retryAfterMs: 15 }, 15],
        ['retry-after in seconds', { retryAfterSeconds: 0.02 }, 20],
      ] as const)(
        'gives up on a 429 (%s) when the retries run out, keeping retryAfterMs',
        async (_name, wait, retryAfterMs) => {
          const events = await collectEvents(
            provider({ fault: { type: 'http', kind: 'rate_limit', ...wait } }).stream(
              request({ maxRetries: 1 }),
            ),
          );
          expect(events.filter((event) => event.type === 'retry')).toHaveLength(1);
          expect(failure(events).error).toMatchObject({
            kind: 'rate_limit',
            status: 429,
            retryAfterMs,
            retryable: true,
          });
          expect(simulator().requests()).toHaveLength(2);
        },
      );

      it('maps a reset before the first byte to a retryable network error', async () => {
        const events = await collectEvents(
          provider({ fault: { type: 'reset' } }).stream(request({ maxRetries: 0 })),
        );
        expect(failure(events).error).toMatchObject({ kind: 'network', retryable: true });
      });

      it('retries a reset before the first byte, then succeeds', async () => {
        simulator().setScenario({
          rules: [
            { match: { times: 1 }, fault: { type: 'reset' } },
            { ...FAST, reply: { text: 'recovered' } },
          ],
        });
        const events = await collectEvents(provider().stream(request({ maxRetries: 1 })));
        expect(events.find((event) => event.type === 'retry')).toMatchObject({
          error: { kind: 'network' },
        });
        expect(terminalEvent(events)).toMatchObject({ type: 'done', text: 'recovered' });
      });

      it('ends with a network error carrying the partial text when the connection drops mid-stream', async () => {
        const events = await collectEvents(
          provider({
            reply: { chunks: ['one ', 'two ', 'three ', 'four'] },
            // Paced so the first chunk is read before the cut: bytes still queued in the
            // client's body stream when the socket dies are dropped by the fetch implementation.
            timing: { firstTokenMs: 0, tokenDelayMs: 30 },
            fault: { type: 'disconnect', afterChunks: 2 },
          }).stream(request()),
        );
        const { error, partialText } = failure(events);
        expect(error.kind).toBe('network');
        expect(partialText).toMatch(/^one (two )?$/);
        // Text had streamed, so nothing was retried.
        expect(events.some((event) => event.type === 'retry')).toBe(false);
        expect(simulator().requests()).toHaveLength(1);
      });

      it('ends with a server error carrying the partial text on a malformed chunk', async () => {
        const events = await collectEvents(
          provider({
            timing: { firstTokenMs: 0, tokenDelayMs: 10 },
            reply: { chunks: ['one ', 'two ', 'three'] },
            fault: { type: 'malformed', afterChunks: 2 },
          }).stream(request()),
        );
        const { error, partialText } = failure(events);
        expect(error.kind).toBe('server');
        expect(partialText).toBe('one two ');
        expect(simulator().requests()).toHaveLength(1);
      });

      it.each([
        { kind: 'overloaded', afterChunks: 2, partialText: 'one two ', message: undefined },
        { kind: 'server', afterChunks: 1, partialText: 'one ', message: 'boom' },
      ] as const)(
        'maps an in-stream $kind error, keeping the partial text',
        async ({ kind, afterChunks, partialText, message }) => {
          const expectedKind = kind === 'overloaded' ? target.inStreamOverloadedKind : kind;
          const events = await collectEvents(
            provider({
              timing: { firstTokenMs: 0, tokenDelayMs: 10 },
              reply: { chunks: ['one ', 'two ', 'three'] },
              fault: { type: 'stream-error', afterChunks, kind, ...(message && { message }) },
            }).stream(request()),
          );
          const last = failure(events);
          expect(last.error.kind).toBe(expectedKind);
          if (message) expect(last.error.message).toContain(message);
          expect(last.partialText).toBe(partialText);
          expect(simulator().requests()).toHaveLength(1);
        },
      );

      it('times out when no first token arrives in time', async () => {
        const started = Date.now();
        const events = await collectEvents(
          provider({ fault: { type: 'stall', afterChunks: 0 } }).stream(
            request({ firstTokenTimeoutMs: 150, maxRetries: 0 }),
          ),
        );
        expect(failure(events).error.kind).toBe('timeout');
        expect(Date.now() - started).toBeLessThan(3000);
      });

      if (target.missingKey) {
        const missingKey = target.missingKey;
        it('fails without a key, naming the variable to set', async () => {
          const { error } = failure(await collectEvents(missingKey.create().stream(request())));
          expect(error.kind).toBe('auth');
          expect(error.message).toMatch(missingKey.variable);
        });
      }
    });

    describe('abort', () => {
      it('ends with aborted at once and closes the upstream connection', async () => {
        const controller = new AbortController();
        const events = [];
        for await (const event of provider({
          reply: { chunks: ['first ', 'second'] },
          fault: { type: 'stall', afterChunks: 1 },
        }).stream(request({ signal: controller.signal }))) {
          events.push(event);
          if (event.type === 'token') controller.abort();
        }
        const last = failure(events);
        expect(last.error.kind).toBe('aborted');
        expect(last.partialText).toBe('first ');
        await expect
          .poll(() => simulator().requests()[0]?.clientClosedEarly, { timeout: 2000 })
          .toBe(true);
      });
    });
  });
}
