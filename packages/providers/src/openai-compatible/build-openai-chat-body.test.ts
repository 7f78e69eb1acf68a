import type { ChatRequest } from '@catalyst/spec';
import { ProviderError } from '@catalyst/spec';
import { describe, expect, it } from 'vitest';
import { buildOpenAIChatBody } from './build-openai-chat-body.js';
import { groqVendor } from './create-groq-provider.js';
import { openAIVendor } from './create-openai-provider.js';
import { xaiVendor } from './create-xai-provider.js';

const signal = new AbortController().signal;

function request(fields: Partial<ChatRequest> = {}): ChatRequest {
  return { model: 'gpt-4.1-mini', messages: [], signal, ...fields };
}

describe('buildOpenAIChatBody', () => {
  it('maps the conversation: system first, images, assistant tool calls, tool results', () => {
    const body = buildOpenAIChatBody({
      vendor: openAIVendor,
      request: request({
        system: 'Be brief.',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is this?' },
              { type: 'image', url: 'https://example.com/cat.png' },
              { type: 'image', data: 'AAAA', mediaType: 'image/jpeg' },
            ],
          },
          {
            role: 'assistant',
            content: '',
            toolCalls: [{ id: 'call_1', name: 'look', arguments: '{"x":1}', input: { x: 1 } }],
          },
          { role: 'tool', toolCallId: 'call_1', toolName: 'look', content: 'a cat' },
        ],
        prompt: 'Thanks',
      }),
    });
    expect(body.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
          { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,AAAA' } },
        ],
      },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'look', arguments: '{"x":1}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: 'a cat' },
      { role: 'user', content: 'Thanks' },
    ]);
  });

  it('maps sampling, tools, tool choice and JSON schema for OpenAI', () => {
    const body = buildOpenAIChatBody({
      vendor: openAIVendor,
      request: request({
        temperature: 0.2,
        topP: 0.9,
        maxTokens: 100,
        stop: ['END'],
        seed: 7,
        tools: [{ name: 'weather', parameters: { type: 'object' }, strict: true }],
        toolChoice: { name: 'weather' },
        parallelToolCalls: false,
        responseFormat: { type: 'json_schema', name: 'answer', schema: { type: 'object' } },
      }),
    });
    expect(body).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.2,
      top_p: 0.9,
      max_completion_tokens: 100,
      stop: ['END'],
      seed: 7,
      tools: [
        {
          type: 'function',
          function: { name: 'weather', parameters: { type: 'object' }, strict: true },
        },
      ],
      tool_choice: { type: 'function', function: { name: 'weather' } },
      parallel_tool_calls: false,
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'answer', schema: { type: 'object' } },
      },
    });
    expect(body).not.toHaveProperty('max_tokens');
  });

  it('uses max_tokens where the vendor wants it, and Groq gets no stream_options', () => {
    expect(
      buildOpenAIChatBody({ vendor: xaiVendor, request: request({ maxTokens: 5 }) }),
    ).toMatchObject({ max_tokens: 5 });
    const groq = buildOpenAIChatBody({ vendor: groqVendor, request: request({ maxTokens: 5 }) });
    expect(groq).not.toHaveProperty('stream_options');
    expect(groq).toMatchObject({ max_completion_tokens: 5 });
  });

  it('leaves parallel_tool_calls out without tools (OpenAI rejects it alone)', () => {
    const body = buildOpenAIChatBody({
      vendor: openAIVendor,
      request: request({ parallelToolCalls: true, responseFormat: { type: 'json_object' } }),
    });
    expect(body).not.toHaveProperty('parallel_tool_calls');
    expect(body.response_format).toEqual({ type: 'json_object' });
  });

  it('passes providerOptions through, last', () => {
    const body = buildOpenAIChatBody({
      vendor: openAIVendor,
      request: request({ providerOptions: { reasoning_effort: 'low', user: 'u1' } }),
    });
    expect(body).toMatchObject({ reasoning_effort: 'low', user: 'u1', stream: true });
  });

  it.each([
    ['Groq logprobs', groqVendor, { logprobs: true }, /"logprobs" is not supported/],
    ['n > 1 anywhere', openAIVendor, { n: 2 }, /several choices/],
  ])('refuses %s with an invalid_request error', (_name, vendor, providerOptions, message) => {
    let thrown: unknown;
    try {
      buildOpenAIChatBody({ vendor, request: request({ providerOptions }) });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ProviderError);
    expect((thrown as ProviderError).kind).toBe('invalid_request');
    expect((thrown as ProviderError).message).toMatch(message);
  });

  it('refuses an image with neither url nor data', () => {
    expect(() =>
      buildOpenAIChatBody({
        vendor: openAIVendor,
        request: request({ messages: [{ role: 'user', content: [{ type: 'image' }] }] }),
      }),
    ).toThrow(/url or base64 data/);
  });
});
