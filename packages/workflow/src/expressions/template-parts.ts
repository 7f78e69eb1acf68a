import { parseTemplate, type TemplatePart } from './parse-template.js';

const cache = new Map<string, readonly TemplatePart[]>();
const CACHE_LIMIT = 1000;

/**
 * {@link parseTemplate}, remembered by the template's text: a workflow renders the same few
 * templates on every run, and a parse result depends on nothing but the text, so an entry can
 * never be stale. Bounded like the compiled-expression cache (cleared when full). A template that
 * does not parse is not remembered: it throws the same error every time.
 *
 * The parts are shared by every caller: read them, never change them.
 *
 * @throws ExpressionError of kind `syntax` when the template does not parse.
 * @example
 * templateParts('Hi {{ input.name }}!') === templateParts('Hi {{ input.name }}!'); // true
 */
export function templateParts(text: string): readonly TemplatePart[] {
  const cached = cache.get(text);
  if (cached !== undefined) return cached;
  const parts = Object.freeze(parseTemplate(text).map((part) => Object.freeze(part)));
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(text, parts);
  return parts;
}
