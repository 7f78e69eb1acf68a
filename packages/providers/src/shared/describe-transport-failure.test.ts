import { describe, expect, it } from 'vitest';
import { describeTransportFailure, TRANSPORT_FAILURE } from './describe-transport-failure.js';

describe('describeTransportFailure', () => {
  it.each([
    [
      'refused',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
      TRANSPORT_FAILURE.refused,
    ],
    [
      'unknown host',
      Object.assign(new Error('getaddrinfo ENOTFOUND x'), { code: 'ENOTFOUND' }),
      TRANSPORT_FAILURE.hostNotFound,
    ],
    [
      'socket cut mid-body',
      new TypeError('terminated', { cause: new Error('other side closed') }),
      TRANSPORT_FAILURE.closed,
    ],
    [
      'cause code deep in the chain',
      new TypeError('fetch failed', {
        cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }),
      }),
      TRANSPORT_FAILURE.closed,
    ],
    ['anything else', new Error('something odd'), TRANSPORT_FAILURE.failed],
  ])('words %s the same whatever the HTTP stack said', (_name, error, expected) => {
    expect(describeTransportFailure(error)).toBe(expected);
  });
});
