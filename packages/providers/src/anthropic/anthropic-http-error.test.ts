import { APIError } from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { AnthropicHttpError, anthropicHttpErrorFromBody } from './anthropic-http-error.js';
import { mapAnthropicError } from './map-anthropic-error.js';

/** The SDK's error for the same answer, built the way its client builds it from a body. */
function sdkErrorFromBody(status: number, text: string, headers: Headers): APIError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return APIError.generate(status, parsed as object, parsed ? undefined : text, headers);
}

function fields(error: AnthropicHttpError | APIError) {
  return {
    message: error.message,
    status: error.status,
    apiMessage: error.apiMessage,
    type: error.type,
    requestID: error.requestID,
  };
}

const HEADERS = new Headers({ 'request-id': 'req_011', 'retry-after': '3' });

describe('AnthropicHttpError is built like the SDK’s APIError', () => {
  it.each([
    {
      name: 'an error body',
      status: 529,
      text: '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}',
    },
    {
      name: 'a prompt too long',
      status: 400,
      text: '{"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 210000 tokens > 200000 maximum"}}',
    },
    { name: 'a body with a top-level message', status: 403, text: '{"message":"forbidden"}' },
    { name: 'a plain-text body', status: 502, text: 'Bad Gateway' },
    { name: 'an empty body', status: 500, text: '' },
    { name: 'a JSON null body', status: 500, text: 'null' },
  ])('$name', ({ status, text }) => {
    const direct = anthropicHttpErrorFromBody(status, text, HEADERS);
    const sdk = sdkErrorFromBody(status, text, HEADERS);
    expect(fields(direct)).toEqual(fields(sdk));
    const secrets = ['sk-ant-SECRET'];
    expect(mapAnthropicError({ error: direct, model: 'claude-haiku-4-5', secrets })).toEqual(
      mapAnthropicError({ error: sdk, model: 'claude-haiku-4-5', secrets }),
    );
  });

  it('an in-stream error frame (no status) as the SDK throws it', () => {
    const body = { type: 'error', error: { type: 'overloaded_error', message: 'busy' } };
    const direct = new AnthropicHttpError(undefined, body, undefined, HEADERS);
    const sdk = new APIError(undefined, body, undefined, HEADERS, 'overloaded_error');
    expect(fields(direct)).toEqual(fields(sdk));
    expect(mapAnthropicError({ error: direct })).toMatchObject({
      kind: 'overloaded',
      requestId: 'req_011',
    });
    expect(mapAnthropicError({ error: direct })).toEqual(mapAnthropicError({ error: sdk }));
  });
});
