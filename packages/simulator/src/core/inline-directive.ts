import { parseAction } from './parse-scenario.js';
import type { ScenarioAction } from './scenario.js';

const MARKER_START = '[[sim';

/** An inline directive found in a message, and the message with the marker removed. */
export interface InlineDirective {
  action: ScenarioAction;
  strippedText: string;
}

/**
 * Finds a `[[sim {...}]]` marker in message text. Workflow runtimes cannot add headers to
 * provider calls, so tests steer the simulator from inside the prompt instead. The JSON may
 * itself contain `]]`, so every `]]` after the marker is tried until the JSON parses.
 *
 * @example findInlineDirective('Hi [[sim {"reply":{"text":"Yo"}}]]')?.strippedText // 'Hi'
 */
export function findInlineDirective(text: string): InlineDirective | null {
  const start = text.indexOf(MARKER_START);
  if (start < 0) return null;
  const jsonStart = start + MARKER_START.length;
  let end = text.indexOf(']]', jsonStart);
  while (end >= 0) {
    const candidate = text.slice(jsonStart, end).trim();
    let parsed: unknown;
    let parsedOk = false;
    try {
      parsed = JSON.parse(candidate);
      parsedOk = true;
    } catch {
      // Not the closing brackets yet: the JSON continues past this `]]`.
    }
    if (parsedOk) {
      const action = parseAction(parsed, 'inline directive');
      const strippedText = `${text.slice(0, start)}${text.slice(end + 2)}`
        .replace(/[ \t]{2,}/g, ' ')
        .trim();
      return { action, strippedText };
    }
    end = text.indexOf(']]', end + 1);
  }
  return null;
}
