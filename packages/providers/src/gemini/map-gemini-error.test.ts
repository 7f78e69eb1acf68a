import { readFileSync } from 'node:fs';
import { ApiError } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { mapGeminiError } from './map-gemini-error.js';

const KEY = 'AIzaSECRET1234567890';

function apiError(status: number, body: unknown) {
  return new ApiError({ status, message: JSON.stringify(body) });
}
const googleError = (code: number, status: string, message: string, details: unknown[] = []) =>
  apiError(code, { error: { code, message, status, details } });

describe('mapGeminiError', () => {
  it.each([
    [
      '400 API_KEY_INVALID',
      googleError(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [
        { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' },
      ]),
      'auth',
    ],
    ['403', googleError(403, 'PERMISSION_DENIED', 'denied'), 'auth'],
    [
      '400 too many tokens',
      googleError(
        400,
        'INVALID_ARGUMENT',
        'The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).',
      ),
      'context_length',
    ],
    [
      '400 other',
      googleError(400, 'INVALID_ARGUMENT', 'Penalty is not enabled'),
      'invalid_request',
    ],
    [
      '404',
      googleError(404, 'NOT_FOUND', 'models/nope is not found for API version v1beta'),
      'model_not_found',
    ],
    ['500', googleError(500, 'INTERNAL', 'Internal error'), 'server'],
    ['503', googleError(503, 'UNAVAILABLE', 'The model is overloaded.'), 'overloaded'],
  ] as const)('maps %s', (_name, thrown, kind) => {
    const error = mapGeminiError({ error: thrown, model: 'gemini-2.5-flash', secrets: [KEY] });
    expect(error.kind).toBe(kind);
    expect(error.status).toBe(thrown.status);
  });

  it('reads RetryInfo.retryDelay from a recorded 429', () => {
    const url = new URL('./__fixtures__/google-429-retry-info.json', import.meta.url);
    const error = mapGeminiError({ error: apiError(429, JSON.parse(readFileSync(url, 'utf8'))) });
    expect(error.kind).toBe('rate_limit');
    expect(error.retryAfterMs).toBe(34_400);
    expect(error.retryable).toBe(true);
  });

  it('falls back to the captured retry-after header', () => {
    const error = mapGeminiError({
      error: googleError(429, 'RESOURCE_EXHAUSTED', 'quota'),
      responseHeaders: new Headers({ 'retry-after': '2' }),
    });
    expect(error.retryAfterMs).toBe(2000);
  });

  it('maps an in-stream error chunk', () => {
    const thrown = new ApiError({
      status: 503,
      message: `got status: UNAVAILABLE. ${JSON.stringify({ error: { code: 503, message: 'overloaded', status: 'UNAVAILABLE' } })}`,
    });
    expect(mapGeminiError({ error: thrown })).toMatchObject({ kind: 'overloaded', status: 503 });
  });

  it('never puts the key in the message, even when Google echoes it', () => {
    const error = mapGeminiError({
      error: googleError(400, 'INVALID_ARGUMENT', `API key not valid: ${KEY}`),
      secrets: [KEY],
    });
    expect(error.message).not.toContain(KEY);
    expect(error.message).not.toContain('SECRET');
  });

  it('maps fetch failures to network and cut chunks to a malformed-stream error', () => {
    const failed = new TypeError('fetch failed', { cause: new Error('other side closed') });
    expect(mapGeminiError({ error: failed })).toMatchObject({ kind: 'network', retryable: true });
    expect(mapGeminiError({ error: failed }).message).toContain(
      'the connection closed before the response was complete',
    );
    const malformed = mapGeminiError({ error: new Error('Incomplete JSON segment at the end') });
    expect(malformed.kind).toBe('server');
    expect(malformed.message).toContain('malformed');
  });
});
