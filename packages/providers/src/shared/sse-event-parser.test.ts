import { describe, expect, it } from 'vitest';
import { type SseEvent, SseEventParser } from './sse-event-parser.js';

/** Feeds `pieces` one after the other and returns every event. */
function parse(...pieces: string[]): SseEvent[] {
  const parser = new SseEventParser();
  return pieces.flatMap((piece) => parser.feed(piece));
}

const STREAM =
  ': a comment\n' +
  'data: {"a":1}\n\n' +
  'event: message\ndata: first line\ndata: second line\n\n' +
  'data:no space\n\n' +
  'data: [DONE]\n\n';

const EXPECTED: SseEvent[] = [
  { event: undefined, data: '{"a":1}' },
  { event: 'message', data: 'first line\nsecond line' },
  { event: undefined, data: 'no space' },
  { event: undefined, data: '[DONE]' },
];

describe('SseEventParser', () => {
  it('parses events, joins data lines, skips comments', () => {
    expect(parse(STREAM)).toEqual(EXPECTED);
  });

  it('gives the same events whatever the pieces, down to one character at a time', () => {
    expect(parse(...STREAM.split(''))).toEqual(EXPECTED);
    for (let cut = 1; cut < STREAM.length; cut += 1) {
      expect(parse(STREAM.slice(0, cut), STREAM.slice(cut))).toEqual(EXPECTED);
    }
  });

  it.each([
    ['CRLF', '\r\n'],
    ['CR', '\r'],
  ])('accepts %s line ends, also split between pieces', (_name, end) => {
    const stream = STREAM.replaceAll('\n', end);
    expect(parse(stream)).toEqual(EXPECTED);
    expect(parse(...stream.split(''))).toEqual(EXPECTED);
  });

  it('ignores a leading byte-order mark, id and retry fields, and holds an unfinished event', () => {
    const parser = new SseEventParser();
    expect(parser.feed('\ufeffid: 7\nretry: 10\ndata: x\n')).toEqual([]);
    expect(parser.feed('\n')).toEqual([{ event: undefined, data: 'x' }]);
  });

  it('keeps a field without a colon as an empty value and an event without data', () => {
    expect(parse('data\n\nevent: ping\n\n')).toEqual([
      { event: undefined, data: '' },
      { event: 'ping', data: '' },
    ]);
  });
});
