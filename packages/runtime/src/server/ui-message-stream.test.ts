import { join } from 'node:path';
import { createProviderRegistry } from '@catalyst/providers';
import { parseScenario, type RunningSimulator, startSimulator } from '@catalyst/simulator';
import { loadWorkflowFile } from '@catalyst/workflow';
import {
  DefaultChatTransport,
  parseJsonEventStream,
  readUIMessageStream,
  type UIMessage,
  type UIMessageChunk,
  uiMessageChunkSchema,
} from 'ai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assistantWorkflow } from '../testing/assistant-workflow.js';
import { conformanceEnvironment, REPOSITORY_ROOT } from '../testing/conformance-vector.js';
import { type RunningPythonServer, startPythonServer } from '../testing/python-server.js';
import { type CatalystApp, createCatalystApp } from './create-catalyst-app.js';

// The `ai` package's own client side (DefaultChatTransport, its SSE parser and chunk schema,
// readUIMessageStream) reads `POST /workflows/{id}/ui` as it reads an AI SDK server — of both
// runtimes: the TypeScript app in process, the Python runtime under uvicorn over a socket.

/** Time the Python server gets to import, build its app and listen (a cold machine is slow). */
const PYTHON_READY_MS = 90_000;

const assistant = assistantWorkflow();

let simulator: RunningSimulator;
let app: CatalystApp;
let python: RunningPythonServer;

beforeAll(async () => {
  simulator = await startSimulator({ port: 0 });
  const extraction = await loadWorkflowFile(join(REPOSITORY_ROOT, 'examples', 'extraction.json'));
  const chat = await loadWorkflowFile(join(REPOSITORY_ROOT, 'examples', 'chat.json'));
  const environment = conformanceEnvironment(simulator.url);
  const workflows = [assistant, extraction.definition, chat.definition];
  const pythonServer = startPythonServer({
    workflows,
    environment: { ...environment, CATALYST_LOG_LEVEL: 'warn' },
    readyMs: PYTHON_READY_MS,
  });
  app = createCatalystApp({
    workflows,
    providers: createProviderRegistry({ environment }),
    environment: {},
  });
  python = await pythonServer;
}, PYTHON_READY_MS + 30_000);
afterAll(async () => {
  python?.close();
  await app.close();
  await simulator.close();
});
beforeEach(() => {
  simulator.reset();
  simulator.setScenario(parseScenario({ rules: [] }));
});

/** A runtime under test: how a request reaches it. */
interface Runtime {
  name: string;
  fetch(path: string, init: RequestInit): Promise<Response>;
}

const RUNTIMES: Runtime[] = [
  {
    name: 'TypeScript',
    fetch: async (path, init) => app.fetch(new Request(`http://catalyst.test${path}`, init)),
  },
  { name: 'Python', fetch: (path, init) => fetch(`${python.url}${path}`, init) },
];

function transport(runtime: Runtime, workflow: string, body?: object) {
  return new DefaultChatTransport<UIMessage>({
    api: `http://catalyst.test/workflows/${workflow}/ui`,
    fetch: ((url: string, init: RequestInit) =>
      runtime.fetch(new URL(url).pathname, init)) as typeof fetch,
    ...(body && { body }),
  });
}

function userMessage(text: string): UIMessage {
  return { id: `user-${text.length}`, role: 'user', parts: [{ type: 'text', text }] };
}

async function send(runtime: Runtime, workflow: string, text: string, body?: object) {
  const chunks: UIMessageChunk[] = [];
  const stream = await transport(runtime, workflow, body).sendMessages({
    trigger: 'submit-message',
    chatId: 'chat-1',
    messageId: undefined,
    messages: [userMessage(text)],
    abortSignal: undefined,
  });
  const [forMessages, forChunks] = stream.tee();
  const messages: UIMessage[] = [];
  const reading = (async () => {
    for await (const message of readUIMessageStream({ stream: forMessages })) {
      messages.push(structuredClone(message));
    }
  })();
  for await (const chunk of forChunks) chunks.push(chunk);
  await reading;
  return { chunks, messages, final: messages.at(-1) };
}

describe.each(RUNTIMES)('AI SDK UI message stream ($name runtime)', (runtime) => {
  it('streams text parts token by token, data parts for nodes, usage and cost, then finish', async () => {
    const { chunks, messages, final } = await send(
      runtime,
      'assistant',
      'Hi [[sim {"reply":{"chunks":["Hello ","from ","Catalyst."]}}]]',
    );
    expect(chunks.map((chunk) => chunk.type)).toEqual([
      'start',
      'data-node',
      'data-node',
      'data-node',
      'text-start',
      'text-delta',
      'text-delta',
      'text-delta',
      'text-end',
      'data-node',
      'data-node',
      'data-node',
      'data-usage',
      'data-cost',
      'finish',
    ]);
    // Each token made a new snapshot of the message: the text grew one token at a time.
    const texts = messages
      .map((message) => message.parts.find((part) => part.type === 'text'))
      .filter((part) => part !== undefined)
      .map((part) => (part as { text: string }).text);
    expect(texts).toContain('Hello ');
    expect(texts).toContain('Hello from ');
    expect(final?.parts).toEqual([
      { type: 'text', text: 'Hello from Catalyst.', state: 'done' },
      {
        type: 'data-usage',
        id: 'usage-answer',
        data: expect.objectContaining({
          node: 'answer',
          provider: 'openai',
          model: 'gpt-4.1-mini',
        }),
      },
      {
        type: 'data-cost',
        id: 'cost',
        data: expect.objectContaining({ totalUsd: expect.any(Number) }),
      },
    ]);
    expect(chunks.at(-1)).toEqual({ type: 'finish', finishReason: 'stop' });
  });

  it('streams a tool call as tool-input-start, deltas and tool-input-available (input given as body.input)', async () => {
    simulator.setScenario(
      parseScenario({
        rules: [
          {
            match: { provider: 'openai' },
            reply: {
              toolCalls: [
                {
                  id: 'call_1',
                  name: 'extract_contact',
                  arguments: { name: 'Ada', email: 'ada@example.com' },
                },
              ],
            },
          },
        ],
      }),
    );
    const { chunks, final } = await send(runtime, 'extraction', 'ignored', {
      input: { text: 'Write to Ada at ada@example.com' },
    });
    const types = chunks.map((chunk) => chunk.type);
    expect(types.indexOf('tool-input-start')).toBeLessThan(types.indexOf('tool-input-delta'));
    expect(types.filter((type) => type === 'tool-input-delta').length).toBeGreaterThan(2);
    expect(chunks.find((chunk) => chunk.type === 'tool-input-available')).toEqual({
      type: 'tool-input-available',
      toolCallId: 'call_1',
      toolName: 'extract_contact',
      input: { name: 'Ada', email: 'ada@example.com' },
    });
    expect(final?.parts.find((part) => part.type === 'tool-extract_contact')).toMatchObject({
      toolCallId: 'call_1',
      state: 'input-available',
      input: { name: 'Ada', email: 'ada@example.com' },
    });
    expect(chunks.at(-1)).toEqual({ type: 'finish', finishReason: 'tool-calls' });
  });

  it('ends a failed run with an error chunk the client surfaces', async () => {
    const stream = await transport(runtime, 'assistant').sendMessages({
      trigger: 'submit-message',
      chatId: 'chat-1',
      messageId: undefined,
      messages: [userMessage('x [[sim {"fault":{"type":"http","kind":"auth"}}]]')],
      abortSignal: undefined,
    });
    const errors: unknown[] = [];
    for await (const _message of readUIMessageStream({
      stream,
      onError: (error) => errors.push(error),
    })) {
      // reading to the end
    }
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toMatch(/./);
  });

  it('sends the bytes of the AI SDK server: its header, data frames that its parser accepts, [DONE]', async () => {
    const response = await runtime.fetch('/workflows/assistant/ui', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: 'chat-1',
        trigger: 'submit-message',
        messages: [userMessage('hello')],
      }),
    });
    expect(response.headers.get('x-vercel-ai-ui-message-stream')).toBe('v1');
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const [raw, parsed] = response.body?.tee() ?? [];
    if (!raw || !parsed) throw new Error('no body');
    const text = await new Response(raw).text();
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    for await (const result of parseJsonEventStream({
      stream: parsed,
      schema: uiMessageChunkSchema,
    })) {
      expect(result.success).toBe(true);
    }
  });

  it('refuses a workflow without chat messages when no input is given', async () => {
    const response = await runtime.fetch('/workflows/chat/ui', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'c', trigger: 'submit-message', messages: [userMessage('hi')] }),
    });
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({
      error: {
        kind: 'invalid_input',
        message:
          'workflow "chat" does not take chat messages (its input has no "messages" array): send its input as "input" in the request body',
      },
    });
  });
});

describe('AI SDK UI message stream, both runtimes', () => {
  it('sends the same bytes from TypeScript and Python for a streamed answer and a tool call', async () => {
    const requests = [
      {
        path: '/workflows/assistant/ui',
        scenario: { rules: [{ reply: { chunks: ['Same ', 'bytes ', 'twice.'] } }] },
        body: { id: 'c', trigger: 'submit-message', messages: [userMessage('hello')] },
      },
      {
        path: '/workflows/extraction/ui',
        scenario: {
          rules: [
            {
              reply: {
                toolCalls: [{ id: 'call_9', name: 'extract_contact', arguments: { name: 'Ada' } }],
              },
            },
          ],
        },
        body: { id: 'c', messages: [], input: { text: 'Ada' } },
      },
    ];
    for (const request of requests) {
      const texts: string[] = [];
      for (const runtime of RUNTIMES) {
        // The same simulator state for each: a fresh script, no cached prompt.
        simulator.reset();
        simulator.setScenario(parseScenario(request.scenario));
        const response = await runtime.fetch(request.path, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(request.body),
        });
        expect(response.headers.get('x-vercel-ai-ui-message-stream')).toBe('v1');
        texts.push(await response.text());
      }
      expect(texts[0]).toContain('data: {"type":"finish"');
      expect(texts[1]).toBe(texts[0]);
    }
  });
});
