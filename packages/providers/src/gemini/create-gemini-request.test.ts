import type { ChatRequest } from '@catalyst/spec';
import { describe, expect, it } from 'vitest';
import { createGeminiRequest } from './create-gemini-request.js';

const base = (fields: Partial<ChatRequest> = {}): ChatRequest => ({
  model: 'gemini-2.5-flash',
  messages: [{ role: 'user', content: 'hi' }],
  signal: new AbortController().signal,
  ...fields,
});

describe('createGeminiRequest', () => {
  it('maps system text and generation settings', () => {
    const parameters = createGeminiRequest(
      base({
        system: 'be brief',
        temperature: 0.3,
        topP: 0.9,
        maxTokens: 64,
        stop: ['END'],
        seed: 7,
      }),
    );
    expect(parameters.model).toBe('gemini-2.5-flash');
    expect(parameters.contents).toEqual([{ role: 'user', parts: [{ text: 'hi' }] }]);
    expect(parameters.config).toEqual({
      systemInstruction: 'be brief',
      temperature: 0.3,
      topP: 0.9,
      maxOutputTokens: 64,
      stopSequences: ['END'],
      seed: 7,
    });
  });

  it('maps a tool round trip: functionCall parts, then functionResponse parts by name', () => {
    const parameters = createGeminiRequest(
      base({
        messages: [
          { role: 'user', content: 'weather and time?' },
          {
            role: 'assistant',
            content: '',
            toolCalls: [
              {
                id: 'call_0',
                name: 'weather',
                arguments: '{"city":"Paris"}',
                input: { city: 'Paris' },
              },
              { id: 'call_1', name: 'time', arguments: '{}', input: {} },
            ],
          },
          { role: 'tool', toolCallId: 'call_0', toolName: 'weather', content: '{"celsius":18}' },
          { role: 'tool', toolCallId: 'call_1', toolName: 'time', content: 'noon' },
        ],
      }),
    );
    expect(parameters.contents).toEqual([
      { role: 'user', parts: [{ text: 'weather and time?' }] },
      {
        role: 'model',
        parts: [
          { functionCall: { name: 'weather', args: { city: 'Paris' } } },
          { functionCall: { name: 'time', args: {} } },
        ],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'weather', response: { celsius: 18 } } },
          { functionResponse: { name: 'time', response: { output: 'noon' } } },
        ],
      },
    ]);
  });

  it('maps images to inlineData or fileData', () => {
    const parameters = createGeminiRequest(
      base({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'what is this?' },
              { type: 'image', data: 'AAAA', mediaType: 'image/webp' },
              { type: 'image', url: 'https://example.com/cat.png' },
            ],
          },
        ],
      }),
    );
    expect(parameters.contents).toEqual([
      {
        role: 'user',
        parts: [
          { text: 'what is this?' },
          { inlineData: { mimeType: 'image/webp', data: 'AAAA' } },
          { fileData: { fileUri: 'https://example.com/cat.png', mimeType: 'image/png' } },
        ],
      },
    ]);
  });

  it.each([
    ['auto', { mode: 'AUTO' }],
    ['none', { mode: 'NONE' }],
    ['required', { mode: 'ANY' }],
    [{ name: 'weather' }, { mode: 'ANY', allowedFunctionNames: ['weather'] }],
  ] as const)('maps tool choice %j', (toolChoice, expected) => {
    const schema = { type: 'object', properties: { city: { type: 'string' } } };
    const { config } = createGeminiRequest(
      base({
        tools: [{ name: 'weather', description: 'Weather', parameters: schema }],
        toolChoice,
      }),
    );
    expect(config?.tools).toEqual([
      {
        functionDeclarations: [
          { name: 'weather', description: 'Weather', parametersJsonSchema: schema },
        ],
      },
    ]);
    expect(config?.toolConfig).toEqual({ functionCallingConfig: expected });
  });

  it('uses native JSON mode', () => {
    const schema = { type: 'object', properties: { city: { type: 'string' } } };
    expect(createGeminiRequest(base({ responseFormat: { type: 'json_object' } })).config).toEqual({
      responseMimeType: 'application/json',
    });
    expect(
      createGeminiRequest(base({ responseFormat: { type: 'json_schema', name: 'place', schema } }))
        .config,
    ).toEqual({ responseMimeType: 'application/json', responseJsonSchema: schema });
  });
});
