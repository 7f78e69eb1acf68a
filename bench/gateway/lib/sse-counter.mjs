/**
 * The load driver's view of a streamed answer: splits SSE bytes into events and classifies each
 * as content (a token the user sees), terminal (the stream's one end marker) or other. Two wire
 * formats: `openai` (chat-completion chunks ending in `data: [DONE]`, which the relay, Portkey
 * and LiteLLM all speak) and `catalyst` (`event: token` … then `event: done` or `event: error`).
 */
export class SseCounter {
  #pending = '';
  #format;
  #onContent;
  contentEvents = 0;
  terminalEvents = 0;
  otherEvents = 0;
  errorEvents = 0;

  /** @param {{ format: 'openai' | 'catalyst', onContent?: () => void }} options */
  constructor({ format, onContent }) {
    this.#format = format;
    this.#onContent = onContent;
  }

  /** Feeds decoded text; classifies every event it completes. */
  push(text) {
    this.#pending += text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
    let boundary = this.#pending.indexOf('\n\n');
    while (boundary >= 0) {
      this.#classify(this.#pending.slice(0, boundary));
      this.#pending = this.#pending.slice(boundary + 2);
      boundary = this.#pending.indexOf('\n\n');
    }
  }

  #classify(block) {
    let name = '';
    let data = '';
    for (const line of block.split('\n')) {
      if (line.startsWith('data:')) data += line.slice(line[5] === ' ' ? 6 : 5);
      else if (line.startsWith('event:')) name = line.slice(6).trim();
    }
    if (data === '' && name === '') return; // a comment or keep-alive
    if (this.#format === 'catalyst') {
      if (name === 'token') this.#content();
      else if (name === 'done') this.terminalEvents++;
      else if (name === 'error') {
        this.terminalEvents++;
        this.errorEvents++;
      } else this.otherEvents++;
      return;
    }
    if (data === '[DONE]') {
      this.terminalEvents++;
      return;
    }
    try {
      const chunk = JSON.parse(data);
      if (chunk.error) this.errorEvents++;
      if (chunk.choices?.[0]?.delta?.content) this.#content();
      else this.otherEvents++;
    } catch {
      this.otherEvents++;
    }
  }

  #content() {
    this.contentEvents++;
    this.#onContent?.();
  }
}
