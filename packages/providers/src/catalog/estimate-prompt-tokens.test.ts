import { describe, expect, it } from 'vitest';
import { estimatePromptTokens } from './estimate-prompt-tokens.js';

describe('estimatePromptTokens', () => {
  it('counts code points / 4 rounded up, 4 per message, 3 for the reply (as Python does)', () => {
    expect(estimatePromptTokens([{ role: 'user', content: 'Hello there!' }])).toBe(10);
    const parts = [
      { type: 'text' as const, text: '😀😀😀😀😀' },
      { type: 'image' as const, url: 'https://x' },
    ];
    // Five emoji are five code points (ten UTF-16 units): 2 + 4, the system prompt 1 + 4, plus 3.
    expect(estimatePromptTokens([{ role: 'user', content: parts }], 'sys')).toBe(3 + 5 + 6);
  });
});
