import { describe, expect, it } from 'vitest';
import { createProviderError } from './create-provider-error.js';
import { withAdvice } from './with-advice.js';

const KEY = 'sk-SECRET1234567890';

describe('the structured error detail', () => {
  it('keeps what the provider said, redacted and ending with a full stop, out of the JSON', () => {
    const error = createProviderError({
      provider: 'openai',
      kind: 'model_not_found',
      status: 404,
      model: 'gpt-9',
      detail: `  The model gpt-9 does not exist (key ${KEY})  `,
      secrets: [KEY],
    });
    expect(error.detail).toBe('The model gpt-9 does not exist (key [redacted]).');
    expect(error.message).toBe(
      'OpenAI does not serve the model "gpt-9" (HTTP 404): The model gpt-9 does not exist (key [redacted]).',
    );
    expect(error.toJSON()).not.toHaveProperty('detail');
    expect(JSON.stringify(error)).not.toContain('detail');
  });

  it('is absent when the provider said nothing', () => {
    const error = createProviderError({ provider: 'anthropic', kind: 'aborted' });
    expect(error.detail).toBeUndefined();
    expect(error.message).toBe('The call to Anthropic was aborted.');
  });

  it('adds advice after the provider words, keeping every other field', () => {
    const error = createProviderError({
      provider: 'groq',
      kind: 'model_not_found',
      status: 404,
      model: 'llama-9',
      requestId: 'req_1',
      detail: 'The model `llama-9` does not exist!',
    });
    const advised = withAdvice(error, 'Available models: a, b.');
    expect(advised.message).toBe(
      'Groq does not serve the model "llama-9" (HTTP 404): The model `llama-9` does not exist! Available models: a, b.',
    );
    expect(advised.detail).toBe(error.detail);
    expect(advised.toJSON()).toEqual({ ...error.toJSON(), message: advised.message });
  });

  it('adds advice to an error without provider words', () => {
    const error = createProviderError({ provider: 'xai', kind: 'model_not_found', status: 404 });
    expect(withAdvice(error, 'Available models: grok-4.').message).toBe(
      'xAI does not serve the model (HTTP 404). Available models: grok-4.',
    );
  });
});
