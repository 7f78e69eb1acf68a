import type { ExpressionReference } from '@catalyst/workflow';
import type { WidgetProps } from '@rjsf/utils';
import { createContext, useContext, useLayoutEffect, useRef, useState } from 'react';
import getCaretCoordinates from 'textarea-caret';
import {
  acceptReference,
  type CompletionTarget,
  completionTarget,
  matchingReferences,
} from '../state/expression-completion.js';

/**
 * The names expressions in the selected node can read (`input.*`, upstream `nodes.<id>.*`,
 * `env.*` …), as the server's validator computes them (`expressionReferences`).
 */
export const ScopeContext = createContext<readonly ExpressionReference[]>([]);

/** Splits a template into text and `{{ … }}` holes, for highlighting. */
export function templateParts(text: string): { text: string; hole: boolean }[] {
  const parts: { text: string; hole: boolean }[] = [];
  const pattern = /\{\{[\s\S]*?(\}\}|$)/g;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    if (match.index > last) parts.push({ text: text.slice(last, match.index), hole: false });
    parts.push({ text: match[0], hole: true });
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last), hole: false });
  return parts;
}

/** An open completion list: what it completes, its choices, the highlighted one, where it sits. */
interface OpenList {
  target: CompletionTarget;
  options: ExpressionReference[];
  active: number;
  top: number;
  left: number;
}

/**
 * A template field: a text area whose `{{ … }}` holes are highlighted below it, with completion
 * as you type inside a hole — a textbox with an autocomplete list (a listbox under the
 * caret; ArrowUp/ArrowDown move, Enter or Tab choose, Escape closes, Ctrl+Space opens).
 */
export function ExpressionWidget(props: WidgetProps) {
  const scope = useContext(ScopeContext);
  const area = useRef<HTMLTextAreaElement>(null);
  const [list, setList] = useState<OpenList | null>(null);
  // Where the caret goes once the chosen name is in the value (after the form re-renders).
  const pendingCaret = useRef<{ text: string; caret: number } | null>(null);
  const value = typeof props.value === 'string' ? props.value : '';
  const listId = `${props.id}__completions`;
  const expanded = list !== null && list.options.length > 0;

  useLayoutEffect(() => {
    const pending = pendingCaret.current;
    const element = area.current;
    if (!pending || !element || pending.text !== value) return;
    pendingCaret.current = null;
    element.setSelectionRange(pending.caret, pending.caret);
  }, [value]);

  /** Opens (or refreshes) the list for the caret in `text`, or closes it outside a hole. */
  const suggest = (text: string, caret: number) => {
    const element = area.current;
    const target = completionTarget(text, caret);
    if (!element || !target) {
      setList(null);
      return;
    }
    const options = matchingReferences(scope, target.typed);
    // Under the caret: the helper measures it in a mirror of the text area; scrolling moves it.
    const caretAt = getCaretCoordinates(element, caret);
    const top = element.offsetTop + caretAt.top + caretAt.height - element.scrollTop;
    const room = (element.offsetParent as HTMLElement | null)?.clientWidth ?? element.clientWidth;
    const left = Math.max(
      0,
      Math.min(element.offsetLeft + caretAt.left - element.scrollLeft, room - 220),
    );
    setList((previous) => ({
      target,
      options,
      // Keep the highlighted name while it still matches, so typing on does not jump.
      active: Math.max(
        0,
        options.findIndex((option) => option.name === previous?.options[previous.active]?.name),
      ),
      top,
      left,
    }));
  };

  const choose = (option: ExpressionReference) => {
    if (!list) return;
    const next = acceptReference(value, list.target, option);
    pendingCaret.current = next;
    setList(null);
    props.onChange(next.text);
    // A name with fields stays open for the next level (`nodes.answer` → `.text`).
    if (option.hasChildren) area.current?.focus();
  };

  const onKeyDown = (event: React.KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === ' ' && event.ctrlKey) {
      event.preventDefault();
      suggest(value, event.currentTarget.selectionStart);
      return;
    }
    if (!list || !expanded) return;
    const count = list.options.length;
    switch (event.key) {
      case 'ArrowDown':
      case 'ArrowUp': {
        event.preventDefault();
        const step = event.key === 'ArrowDown' ? 1 : -1;
        setList({ ...list, active: (list.active + step + count) % count });
        return;
      }
      case 'Enter':
      case 'Tab': {
        const option = list.options[list.active];
        if (!option) return;
        event.preventDefault();
        choose(option);
        return;
      }
      case 'Escape':
        // Closing the list is all Escape does here; it must not also close a dialog around it.
        event.preventDefault();
        event.stopPropagation();
        setList(null);
        return;
      default:
    }
  };

  const activeId = expanded ? `${listId}_${list.active}` : undefined;
  // The highlighted option stays visible in a list longer than its box.
  useLayoutEffect(() => {
    if (activeId) document.getElementById(activeId)?.scrollIntoView({ block: 'nearest' });
  }, [activeId]);
  return (
    <div className="expression-widget">
      <textarea
        ref={area}
        id={props.id}
        name={props.htmlName ?? props.id}
        value={value}
        rows={Math.min(8, Math.max(2, value.split('\n').length))}
        disabled={props.disabled || props.readonly}
        // A multi-line text box that offers completions: ARIA in HTML allows no combobox role on a
        // text area, so it stays a textbox that announces its list (aria-haspopup) and the active
        // option (aria-activedescendant), the list being shown or hidden.
        aria-autocomplete="list"
        aria-haspopup="listbox"
        aria-controls={listId}
        aria-activedescendant={activeId}
        aria-describedby={`${props.id}__error ${props.id}__preview`}
        placeholder={props.placeholder || 'Text with {{ input.question }} holes'}
        onChange={(event) => {
          const text = event.target.value;
          props.onChange(text === '' ? undefined : text);
          suggest(text, event.target.selectionStart);
        }}
        onKeyDown={onKeyDown}
        onClick={() => setList(null)}
        // The caret moved (arrow keys, Home, End): follow it, or close outside a hole.
        onSelect={(event) => {
          if (list) suggest(event.currentTarget.value, event.currentTarget.selectionStart);
        }}
        onBlur={() => {
          setList(null);
          props.onBlur(props.id, value);
        }}
        onFocus={() => props.onFocus(props.id, value)}
      />
      <div
        id={listId}
        role="listbox"
        aria-label="References"
        className="expression-completions"
        hidden={!expanded}
        style={expanded ? { top: list.top, left: list.left } : undefined}
      >
        {expanded &&
          list.options.map((option, index) => (
            // The text area keeps focus: options are chosen with the keys above, or a click.
            // biome-ignore lint/a11y/useKeyWithClickEvents: the text area handles the keys
            <div
              key={option.name}
              id={`${listId}_${index}`}
              role="option"
              // Focus stays in the text area (aria-activedescendant); -1 keeps options out of Tab.
              tabIndex={-1}
              aria-selected={index === list.active}
              className={index === list.active ? 'active' : undefined}
              // Before the text area's blur, which would close the list first.
              onMouseDown={(event) => event.preventDefault()}
              onClick={() => choose(option)}
            >
              <code>{option.name}</code>
              <span className="completion-detail">{option.detail}</span>
            </div>
          ))}
      </div>
      {value.includes('{{') && (
        <div className="expression-preview" id={`${props.id}__preview`}>
          {templateParts(value).map((part, index) =>
            part.hole ? (
              // biome-ignore lint/suspicious/noArrayIndexKey: parts have no identity beyond their order
              <mark key={index}>{part.text}</mark>
            ) : (
              // biome-ignore lint/suspicious/noArrayIndexKey: parts have no identity beyond their order
              <span key={index}>{part.text}</span>
            ),
          )}
        </div>
      )}
    </div>
  );
}
