import type { ExpressionReference } from '@catalyst/workflow';

/** The reference being typed at the caret inside a `{{ … }}` hole. */
export interface CompletionTarget {
  /** Where the typed name starts and ends (the caret, or the end of the word under it). */
  from: number;
  to: number;
  /** What is typed so far, e.g. `nodes.ans`. */
  typed: string;
  /** Whether the hole already has its `}}` after the caret. */
  closed: boolean;
  /** The text that closes the hole to match how it opened: ` }}` after `{{ `, else `}}`. */
  closing: string;
}

// The characters of a dotted path: `input.meta.lang`, `nodes.answer_2.text`.
const PATH_CHARACTER = /[A-Za-z0-9_.$]/;
const WORD_CHARACTER = /[A-Za-z0-9_$]/;

/**
 * The name being typed at `caret`, when the caret sits inside a `{{ … }}` hole (after `{{`, with
 * no `}}` between them); undefined elsewhere, so plain text never pops a list up.
 *
 * @example
 * completionTarget('Hi {{ inp', 9); // { from: 6, to: 9, typed: 'inp', closed: false, closing: ' }}' }
 */
export function completionTarget(text: string, caret: number): CompletionTarget | undefined {
  if (caret < 2) return undefined;
  const open = text.lastIndexOf('{{', caret - 2);
  if (open < 0) return undefined;
  const close = text.indexOf('}}', open + 2);
  if (close >= 0 && close + 2 <= caret) return undefined;
  let from = caret;
  while (from > open + 2 && PATH_CHARACTER.test(text[from - 1] ?? '')) from -= 1;
  const typed = text.slice(from, caret);
  // A path starts with a name: after `]`, `)` or a digit it is not one we can complete.
  if (typed.startsWith('.') || /^[0-9]/.test(typed)) return undefined;
  const before = text[from - 1] ?? '';
  if (before === '"' || before === "'" || before === ']' || before === ')') return undefined;
  let to = caret;
  while (to < text.length && WORD_CHARACTER.test(text[to] ?? '')) to += 1;
  const nextOpen = text.indexOf('{{', caret);
  const closed = close >= 0 && (nextOpen < 0 || close < nextOpen);
  return { from, to, typed, closed, closing: text[open + 2] === ' ' ? ' }}' : '}}' };
}

/**
 * The references that complete `typed`: those that start with it (ignoring case), one level
 * below what is typed and at least `root.name` deep — so `inp` offers `input.question`, `nodes.`
 * the upstream node ids, and `nodes.answer.` that node's output fields.
 *
 * @example
 * matchingReferences(references, 'nodes.'); // nodes.input, nodes.answer (not their fields)
 */
export function matchingReferences(
  references: readonly ExpressionReference[],
  typed: string,
): ExpressionReference[] {
  const lower = typed.toLowerCase();
  const depth = Math.max(2, typed.split('.').length);
  return references.filter(
    (reference) =>
      reference.name.toLowerCase().startsWith(lower) && reference.name.split('.').length <= depth,
  );
}

/**
 * The text after choosing `reference` for `target`, and where the caret goes: the typed name is
 * replaced; a name with nothing below it closes an open hole, and the caret goes after `}}`.
 *
 * @example
 * acceptReference('{{ inp', target, { name: 'input.question', … }); // { text: '{{ input.question }}', caret: 20 }
 */
export function acceptReference(
  text: string,
  target: CompletionTarget,
  reference: ExpressionReference,
): { text: string; caret: number } {
  const closing = !reference.hasChildren && !target.closed ? target.closing : '';
  const inserted = `${reference.name}${closing}`;
  return {
    text: `${text.slice(0, target.from)}${inserted}${text.slice(target.to)}`,
    caret: target.from + inserted.length,
  };
}
