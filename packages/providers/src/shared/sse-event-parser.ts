/** One Server-Sent Event: its `event:` name when it had one, and its data lines joined by LF. */
export interface SseEvent {
  event: string | undefined;
  data: string;
}

/**
 * A Server-Sent Events parser for streamed API answers, fed decoded text in whatever pieces the
 * socket delivers: lines end in LF, CRLF or CR (also split across pieces), `:` comments are
 * skipped, `data:` lines of one event are joined with LF, the one space after a colon is dropped,
 * a leading byte-order mark is ignored, and an event is complete at its blank line (one with
 * neither data nor a name is not an event). `id:` and `retry:` matter to a reconnecting browser,
 * not to an API client, and are ignored.
 *
 * Written for the providers' hot path: one `indexOf` per line and no allocation beyond the
 * event itself (see bench/results/hot-path.md for the measurement against eventsource-parser).
 *
 * @example
 * const parser = new SseEventParser();
 * for (const event of parser.feed('data: {"a":1}\n\n')) JSON.parse(event.data);
 */
export class SseEventParser {
  /** The unfinished last line of the previous piece. */
  private pending = '';
  private data: string | undefined;
  private event: string | undefined;
  private started = false;
  /** The previous piece ended in CR: an LF starting this one belongs to that line end. */
  private afterCarriageReturn = false;

  /** Parses `text` and returns the events it completed, in order. */
  feed(text: string): SseEvent[] {
    const events: SseEvent[] = [];
    let input = text;
    if (!this.started) {
      this.started = true;
      if (input.charCodeAt(0) === 0xfeff) input = input.slice(1);
    }
    if (this.afterCarriageReturn && input.charCodeAt(0) === 10) input = input.slice(1);
    this.afterCarriageReturn = false;
    if (this.pending !== '') {
      input = this.pending + input;
      this.pending = '';
    }
    const hasCarriageReturn = input.indexOf('\r') !== -1;
    let start = 0;
    const length = input.length;
    while (start < length) {
      let end: number;
      let next: number;
      if (!hasCarriageReturn) {
        end = input.indexOf('\n', start);
        if (end === -1) break;
        next = end + 1;
      } else {
        const lineFeed = input.indexOf('\n', start);
        const carriageReturn = input.indexOf('\r', start);
        if (lineFeed === -1 && carriageReturn === -1) break;
        if (carriageReturn === -1 || (lineFeed !== -1 && lineFeed < carriageReturn)) {
          end = lineFeed;
          next = lineFeed + 1;
        } else {
          end = carriageReturn;
          if (carriageReturn + 1 === length) {
            // A CR at the very end: its LF, if any, arrives with the next piece.
            this.afterCarriageReturn = true;
            next = length;
          } else {
            next =
              input.charCodeAt(carriageReturn + 1) === 10 ? carriageReturn + 2 : carriageReturn + 1;
          }
        }
      }
      this.line(input, start, end, events);
      start = next;
    }
    if (start < length) this.pending = input.slice(start);
    return events;
  }

  private line(input: string, start: number, end: number, events: SseEvent[]): void {
    if (start === end) {
      if (this.data !== undefined || this.event !== undefined) {
        events.push({ event: this.event, data: this.data ?? '' });
      }
      this.data = undefined;
      this.event = undefined;
      return;
    }
    const first = input.charCodeAt(start);
    if (first === 58) return; // ':' — a comment
    const colon = input.indexOf(':', start);
    let field: string;
    let value: string;
    if (colon === -1 || colon >= end) {
      field = input.slice(start, end);
      value = '';
    } else {
      field = input.slice(start, colon);
      const valueStart = input.charCodeAt(colon + 1) === 32 ? colon + 2 : colon + 1;
      value = valueStart >= end ? '' : input.slice(valueStart, end);
    }
    if (field === 'data') {
      this.data = this.data === undefined ? value : `${this.data}\n${value}`;
    } else if (field === 'event') {
      this.event = value;
    }
  }
}
