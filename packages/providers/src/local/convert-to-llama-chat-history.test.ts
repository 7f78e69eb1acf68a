import { describe, expect, it } from 'vitest';
import { convertToLlamaChatHistory } from './convert-to-llama-chat-history.js';

const signal = new AbortController().signal;

describe('convertToLlamaChatHistory', () => {
  it('maps roles and shorthands, ending with an empty model turn', () => {
    const history = convertToLlamaChatHistory({
      model: 'local',
      system: 'Be brief.',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Hi' },
            { type: 'text', text: 'there' },
          ],
        },
        { role: 'assistant', content: 'Hello.' },
      ],
      prompt: 'Bye',
      signal,
    });
    expect(history).toEqual([
      { type: 'system', text: 'Be brief.' },
      { type: 'user', text: 'Hi\nthere' },
      { type: 'model', response: ['Hello.'] },
      { type: 'user', text: 'Bye' },
      { type: 'model', response: [] },
    ]);
  });

  it('attaches tool results to the calls they answer', () => {
    const history = convertToLlamaChatHistory({
      model: 'local',
      messages: [
        { role: 'user', content: 'Weather?' },
        {
          role: 'assistant',
          content: '',
          toolCalls: [
            { id: 'c1', name: 'weather', arguments: '{"city":"Paris"}', input: { city: 'Paris' } },
          ],
        },
        { role: 'tool', toolCallId: 'c1', toolName: 'weather', content: '{"celsius":21}' },
      ],
      signal,
    });
    expect(history.at(-1)).toEqual({
      type: 'model',
      response: [
        {
          type: 'functionCall',
          name: 'weather',
          params: { city: 'Paris' },
          result: { celsius: 21 },
        },
      ],
    });
  });

  it('continues a trailing assistant message instead of starting a new turn', () => {
    const history = convertToLlamaChatHistory({
      model: 'local',
      messages: [
        { role: 'user', content: 'Count' },
        { role: 'assistant', content: '1, 2,' },
      ],
      signal,
    });
    expect(history.at(-1)).toEqual({ type: 'model', response: ['1, 2,'] });
  });
});
