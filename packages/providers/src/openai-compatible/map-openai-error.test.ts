import * as groq from 'groq-sdk';
import * as openai from 'openai';
import { describe, expect, it } from 'vitest';
import { IncompleteStreamError, mapOpenAIError } from './map-openai-error.js';

const SECRET = 'sk-test-SECRET1234567890';
const context = { provider: 'openai' as const, model: 'gpt-4.1', secrets: [SECRET] };

function httpError(status: number, body: unknown, headers: Record<string, string> = {}) {
  return openai.APIError.generate(status, body as object, undefined, new Headers(headers));
}

describe('mapOpenAIError', () => {
  it.each([
    [
      'context_length_exceeded',
      httpError(400, {
        error: {
          message: "This model's maximum context length is 128000 tokens.",
          type: 'invalid_request_error',
          code: 'context_length_exceeded',
          param: 'messages',
        },
      }),
      'context_length',
      false,
    ],
    [
      'model_not_found',
      httpError(404, {
        error: { message: 'The model `x` does not exist', code: 'model_not_found' },
      }),
      'model_not_found',
      false,
    ],
    [
      'Azure DeploymentNotFound',
      httpError(404, { error: { code: 'DeploymentNotFound', message: 'The API deployment …' } }),
      'model_not_found',
      false,
    ],
    [
      'Groq model_decommissioned (400)',
      httpError(400, { error: { message: 'decommissioned', code: 'model_decommissioned' } }),
      'model_not_found',
      false,
    ],
    [
      'invalid_api_key',
      httpError(401, {
        error: { message: `Incorrect API key provided: ${SECRET}.`, code: 'invalid_api_key' },
      }),
      'auth',
      false,
    ],
    ['403', httpError(403, { error: { message: 'region not supported' } }), 'auth', false],
    [
      'xAI bad key as HTTP 400',
      httpError(400, {
        code: 'invalid-argument',
        error: 'Incorrect API key provided. You can obtain an API key from https://console.x.ai.',
      }),
      'auth',
      false,
    ],
    [
      'Azure content filter 400',
      httpError(400, {
        error: {
          message: 'The response was filtered',
          code: 'content_filter',
          innererror: { code: 'ResponsibleAIPolicyViolation' },
        },
      }),
      'content_filter',
      false,
    ],
    [
      'insufficient_quota 429 (not retryable)',
      httpError(429, { error: { message: 'You exceeded your quota', code: 'insufficient_quota' } }),
      'rate_limit',
      false,
    ],
    [
      '429 rate limit',
      httpError(429, { error: { message: 'Rate limit reached', code: 'rate_limit_exceeded' } }),
      'rate_limit',
      true,
    ],
    ['500', httpError(500, { error: { message: 'server had an error' } }), 'server', true],
    ['503', httpError(503, { error: { message: 'overloaded' } }), 'overloaded', true],
    ['Groq 498', httpError(498, { error: { message: 'capacity' } }), 'overloaded', true],
    [
      'in-stream error without a status',
      new openai.APIError(
        undefined,
        { message: 'boom', type: 'server_error' },
        undefined,
        undefined,
      ),
      'server',
      true,
    ],
    [
      'connection error',
      new openai.APIConnectionError({ message: 'Connection error.' }),
      'network',
      true,
    ],
    ['timeout', new openai.APIConnectionTimeoutError(), 'timeout', true],
    ['malformed chunk', new SyntaxError('Unexpected end of JSON input'), 'server', true],
    ['cut-off stream', new IncompleteStreamError(), 'network', true],
    ['socket died mid-body', new TypeError('terminated'), 'network', true],
  ])('%s', (_name, error, kind, retryable) => {
    const mapped = mapOpenAIError(error, context);
    expect(mapped.kind).toBe(kind);
    expect(mapped.retryable).toBe(retryable);
    expect(mapped.message).not.toContain(SECRET);
  });

  it('maps groq-sdk errors, which keep the whole body', () => {
    const error = groq.APIError.generate(
      404,
      { error: { message: 'The model does not exist', code: 'model_not_found' } },
      undefined,
      new Headers(),
    );
    expect(mapOpenAIError(error, { ...context, provider: 'groq' }).kind).toBe('model_not_found');
  });

  it('reads retry-after-ms and the request id from the headers', () => {
    const error = httpError(
      429,
      { error: { message: 'slow down' } },
      { 'retry-after-ms': '1500', 'x-request-id': 'req_123' },
    );
    const mapped = mapOpenAIError(error, context);
    expect(mapped.retryAfterMs).toBe(1500);
    expect(mapped.requestId).toBe('req_123');
    expect(mapped.message).toContain('Retry after 2 s.');
  });
});
