import type { IncomingMessage } from 'node:http';
import { findInlineDirective } from './inline-directive.js';
import { parseAction, ScenarioError } from './parse-scenario.js';
import type { ScenarioAction } from './scenario.js';

/** Header a test can set to steer one request: the JSON of one scenario action. */
export const DIRECTIVE_HEADER = 'x-sim-directive';

/**
 * Reads the per-request directives: the header and the inline `[[sim …]]` marker in the last
 * user message (returned without the marker, so replies never echo it).
 */
export function readDirectives(
  request: IncomingMessage,
  lastUserText: string,
): { header?: ScenarioAction; inline?: ScenarioAction; strippedText: string } {
  const headerValue = request.headers[DIRECTIVE_HEADER];
  const header =
    typeof headerValue === 'string' && headerValue.trim().length > 0
      ? parseAction(parseJsonDirective(headerValue), `${DIRECTIVE_HEADER} header`)
      : undefined;
  const inline = findInlineDirective(lastUserText);
  return {
    ...(header ? { header } : {}),
    ...(inline ? { inline: inline.action } : {}),
    strippedText: inline ? inline.strippedText : lastUserText,
  };
}

function parseJsonDirective(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ScenarioError(`the ${DIRECTIVE_HEADER} header is not valid JSON`);
  }
}
