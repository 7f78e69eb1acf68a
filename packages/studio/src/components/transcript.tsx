import { useEffect, useRef } from 'react';
import type { RunStore } from '../state/run-store.js';

/**
 * Every token of the run, in arrival order. Text is appended to one DOM text node once per
 * animation frame, so a fast stream costs one small DOM write per frame, not a render per token.
 */
export function Transcript(props: { store: RunStore }) {
  const container = useRef<HTMLPreElement>(null);
  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const text = document.createTextNode('');
    element.replaceChildren(text);
    return props.store.subscribe(({ appended, reset }) => {
      if (reset) text.data = '';
      else if (appended !== '') {
        text.appendData(appended);
        element.scrollTop = element.scrollHeight;
      }
    });
  }, [props.store]);
  return (
    <pre
      ref={container}
      className="transcript"
      data-testid="transcript"
      role="log"
      aria-label="Transcript"
      aria-live="off"
      // biome-ignore lint/a11y/noNoninteractiveTabindex: the transcript scrolls; keyboard users need to reach it
      tabIndex={0}
    />
  );
}
