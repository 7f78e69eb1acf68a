/**
 * An incremental Server-Sent Events splitter for the relay floor: bytes in, complete events out,
 * each re-framed as `data: …\n\n` the moment its blank line arrives (one downstream event per
 * upstream event, never held back for the next read).
 */
export class SseReframer {
  #pending = '';

  /**
   * Feeds one upstream chunk; returns the complete events it closed, re-framed.
   * @param {string} text
   * @returns {string[]}
   */
  push(text) {
    this.#pending += text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
    const events = [];
    let boundary = this.#pending.indexOf('\n\n');
    while (boundary >= 0) {
      const block = this.#pending.slice(0, boundary);
      this.#pending = this.#pending.slice(boundary + 2);
      const framed = reframeEvent(block);
      if (framed) events.push(framed);
      boundary = this.#pending.indexOf('\n\n');
    }
    return events;
  }

  /** What is left when the upstream ends (an unterminated last event), re-framed, if anything. */
  flush() {
    const framed = reframeEvent(this.#pending);
    this.#pending = '';
    return framed ? [framed] : [];
  }
}

/** One event block → `event:` (when named) and its joined `data:` lines; comments dropped. */
export function reframeEvent(block) {
  let name;
  const data = [];
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') name = value;
  }
  if (data.length === 0) return undefined;
  return `${name ? `event: ${name}\n` : ''}data: ${data.join('\ndata: ')}\n\n`;
}
