import { APIConnectionError, APIError } from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { mapAnthropicError } from './map-anthropic-error.js';

const KEY = 'sk-ant-SECRET1234567890';

function httpError(
  status: number,
  type: string,
  message: string,
  headers: Record<string, string> = {},
) {
  return APIError.generate(
    status,
    { type: 'error', error: { type, message } },
    undefined,
    new Headers({ 'request-id': 'req_123', ...headers }),
  );
}

describe('mapAnthropicError', () => {
  it.each([
    [401, 'authentication_error', `invalid x-api-key ${KEY}`, 'auth', false],
    [403, 'permission_error', 'no access', 'auth', false],
    [404, 'not_found_error', 'model: claude-nope', 'model_not_found', false],
    [
      400,
      'invalid_request_error',
      'prompt is too long: 210000 tokens > 200000 maximum',
      'context_length',
      false,
    ],
    [400, 'invalid_request_error', 'max_tokens: Field required', 'invalid_request', false],
    [
      413,
      'request_too_large',
      'Request exceeds the maximum allowed number of bytes.',
      'context_length',
      false,
    ],
    [
      429,
      'rate_limit_error',
      'Number of requests has exceeded your rate limit',
      'rate_limit',
      true,
    ],
    [500, 'api_error', 'Internal server error', 'server', true],
    [529, 'overloaded_error', 'Overloaded', 'overloaded', true],
  ] as const)('maps HTTP %i %s', (status, type, message, kind, retryable) => {
    const error = mapAnthropicError({
      error: httpError(status, type, message),
      model: 'claude-haiku-4-5',
      secrets: [KEY],
    });
    expect(error.kind).toBe(kind);
    expect(error.status).toBe(status);
    expect(error.retryable).toBe(retryable);
    expect(error.requestId).toBe('req_123');
    expect(error.message).not.toContain(KEY);
    expect(error.message).not.toContain('SECRET');
  });

  it('reads retry-after on a 429', () => {
    const error = mapAnthropicError({
      error: httpError(429, 'rate_limit_error', 'slow down', { 'retry-after': '7' }),
    });
    expect(error.retryAfterMs).toBe(7000);
    expect(error.message).toContain('Retry after 7 s.');
  });

  it('maps an in-stream error event (a type but no status)', () => {
    const thrown = new APIError(
      undefined,
      { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
      undefined,
      new Headers(),
    );
    const error = mapAnthropicError({ error: thrown });
    expect(error.kind).toBe('overloaded');
    expect(error.status).toBeUndefined();
    expect(error.retryable).toBe(true);
  });

  it('maps connection failures and malformed frames', () => {
    expect(mapAnthropicError({ error: new APIConnectionError({ message: undefined }) }).kind).toBe(
      'network',
    );
    expect(mapAnthropicError({ error: new TypeError('terminated') }).kind).toBe('network');
    const malformed = mapAnthropicError({ error: new SyntaxError('Unexpected end of JSON input') });
    expect(malformed.kind).toBe('server');
    expect(malformed.message).toContain('malformed');
  });
});
