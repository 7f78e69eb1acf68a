import type { ChatRequest } from '@catalyst/spec';
import { describe, expect, it } from 'vitest';
import { ModelCatalog } from '../catalog/model-catalog.js';
import { createAnthropicRequest } from './create-anthropic-request.js';

const catalog = ModelCatalog.default();
const base = (fields: Partial<ChatRequest> = {}): ChatRequest => ({
  model: 'claude-haiku-4-5',
  messages: [{ role: 'user', content: 'hi' }],
  signal: new AbortController().signal,
  ...fields,
});

describe('createAnthropicRequest', () => {
  it('takes system text out of the messages and always sets max_tokens', () => {
    const body = createAnthropicRequest({
      request: base({
        system: 'be brief',
        messages: [
          { role: 'system', content: 'and kind' },
          { role: 'user', content: 'hi' },
        ],
        stop: ['END'],
      }),
      catalog,
    });
    expect(body.system).toBe('be brief\n\nand kind');
    expect(body.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'hi' }] }]);
    expect(body.max_tokens).toBe(4096);
    expect(body.stop_sequences).toEqual(['END']);
    expect(body.stream).toBe(true);
    expect(createAnthropicRequest({ request: base({ maxTokens: 50 }), catalog }).max_tokens).toBe(
      50,
    );
  });

  it('maps tool calls and merges consecutive tool results into one user turn', () => {
    const body = createAnthropicRequest({
      request: base({
        messages: [
          { role: 'user', content: 'weather and time?' },
          {
            role: 'assistant',
            content: '',
            toolCalls: [
              { id: 'toolu_1', name: 'weather', arguments: '{"city":"Paris"}', input: undefined },
              { id: 'toolu_2', name: 'time', arguments: '{}', input: {} },
            ],
          },
          { role: 'tool', toolCallId: 'toolu_1', toolName: 'weather', content: '18C' },
          {
            role: 'tool',
            toolCallId: 'toolu_2',
            toolName: 'time',
            content: 'unknown',
            isError: true,
          },
        ],
      }),
      catalog,
    });
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'weather and time?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'toolu_2', name: 'time', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: '18C' },
          { type: 'tool_result', tool_use_id: 'toolu_2', content: 'unknown', is_error: true },
        ],
      },
    ]);
  });

  it('maps images to base64 or url sources', () => {
    const body = createAnthropicRequest({
      request: base({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'image', data: 'AAAA', mediaType: 'image/jpeg' },
              { type: 'image', url: 'data:image/gif;base64,R0lG' },
              { type: 'image', url: 'https://example.com/cat.png' },
            ],
          },
        ],
      }),
      catalog,
    });
    expect(body.messages[0]?.content).toEqual([
      { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: 'AAAA' } },
      { type: 'image', source: { type: 'base64', media_type: 'image/gif', data: 'R0lG' } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.png' } },
    ]);
  });

  it.each([
    [undefined, undefined, undefined],
    ['auto', undefined, { type: 'auto' }],
    ['required', false, { type: 'any', disable_parallel_tool_use: true }],
    ['none', undefined, { type: 'none' }],
    [{ name: 'weather' }, undefined, { type: 'tool', name: 'weather' }],
    [undefined, false, { type: 'auto', disable_parallel_tool_use: true }],
  ] as const)('maps tool choice %j (parallel %j)', (toolChoice, parallelToolCalls, expected) => {
    const body = createAnthropicRequest({
      request: base({
        tools: [{ name: 'weather', description: 'Weather', parameters: { type: 'object' } }],
        ...(toolChoice !== undefined && { toolChoice }),
        ...(parallelToolCalls !== undefined && { parallelToolCalls }),
      }),
      catalog,
    });
    expect(body.tools).toEqual([
      { name: 'weather', description: 'Weather', input_schema: { type: 'object' } },
    ]);
    expect(body.tool_choice).toEqual(expected);
  });

  it('emulates JSON mode with a forced json tool carrying the schema', () => {
    const schema = { type: 'object', properties: { city: { type: 'string' } } };
    const withSchema = createAnthropicRequest({
      request: base({ responseFormat: { type: 'json_schema', name: 'place', schema } }),
      catalog,
    });
    expect(withSchema.tools).toEqual([
      expect.objectContaining({ name: 'json', input_schema: schema }),
    ]);
    expect(withSchema.tool_choice).toEqual({
      type: 'tool',
      name: 'json',
      disable_parallel_tool_use: true,
    });
    const anyObject = createAnthropicRequest({
      request: base({ responseFormat: { type: 'json_object' } }),
      catalog,
    });
    expect(anyObject.tools).toEqual([
      expect.objectContaining({ name: 'json', input_schema: { type: 'object' } }),
    ]);
  });

  it('does not send sampling parameters the API version rejects', () => {
    const body = createAnthropicRequest({
      request: base({ temperature: 0.2, topP: 0.9, seed: 1 }),
      catalog,
    }) as unknown as Record<string, unknown>;
    expect(body).not.toHaveProperty('temperature');
    expect(body).not.toHaveProperty('top_p');
    expect(body).not.toHaveProperty('seed');
  });
});
