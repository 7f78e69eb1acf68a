import type { WidgetProps } from '@rjsf/utils';
import { createContext, useContext, useRef } from 'react';

/** The names an expression can reach from the selected node: `input.*`, `nodes.<id>.*`, `env.*`. */
export const ScopeContext = createContext<string[]>([]);

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

/**
 * A template field: a text area whose `{{ … }}` holes are highlighted below it, with the names in
 * scope offered as completions that insert a hole at the cursor.
 */
export function ExpressionWidget(props: WidgetProps) {
  const scope = useContext(ScopeContext);
  const area = useRef<HTMLTextAreaElement>(null);
  const value = typeof props.value === 'string' ? props.value : '';
  const insert = (name: string) => {
    const element = area.current;
    const start = element?.selectionStart ?? value.length;
    const end = element?.selectionEnd ?? value.length;
    props.onChange(`${value.slice(0, start)}{{ ${name} }}${value.slice(end)}`);
  };
  return (
    <div className="expression-widget">
      <textarea
        ref={area}
        id={props.id}
        name={props.htmlName ?? props.id}
        value={value}
        rows={Math.min(8, Math.max(2, value.split('\n').length))}
        disabled={props.disabled || props.readonly}
        aria-describedby={`${props.id}__error ${props.id}__preview`}
        placeholder={props.placeholder || 'Text with {{ input.question }} holes'}
        onChange={(event) =>
          props.onChange(event.target.value === '' ? undefined : event.target.value)
        }
        onBlur={() => props.onBlur(props.id, value)}
        onFocus={() => props.onFocus(props.id, value)}
      />
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
      {scope.length > 0 && (
        <details className="expression-completions">
          <summary>Insert a reference</summary>
          <ul>
            {scope.map((name) => (
              <li key={name}>
                <button type="button" onClick={() => insert(name)}>
                  {name}
                </button>
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
