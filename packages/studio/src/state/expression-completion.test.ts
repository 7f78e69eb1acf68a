import type { ExpressionReference } from '@catalyst/workflow';
import { describe, expect, it } from 'vitest';
import { acceptReference, completionTarget, matchingReferences } from './expression-completion.js';

const reference = (name: string, hasChildren = false): ExpressionReference => ({
  name,
  detail: '',
  hasChildren,
});
const REFERENCES = [
  reference('input.question'),
  reference('input.meta', true),
  reference('input.meta.lang'),
  reference('nodes.input', true),
  reference('nodes.input.question'),
  reference('nodes.answer', true),
  reference('nodes.answer.text'),
  reference('nodes.answer.usage'),
  reference('env.REGION'),
];
const names = (references: ExpressionReference[]) => references.map((each) => each.name);

describe('completionTarget', () => {
  it('finds the name typed inside an open hole', () => {
    expect(completionTarget('Hi {{ inp', 9)).toEqual({
      from: 6,
      to: 9,
      typed: 'inp',
      closed: false,
      closing: ' }}',
    });
    expect(completionTarget('{{nodes.answer.', 15)).toMatchObject({
      typed: 'nodes.answer.',
      closing: '}}',
    });
    expect(completionTarget('{{ }}', 3)).toMatchObject({ typed: '', closed: true });
  });

  it('covers the rest of the word under the caret, so choosing replaces it', () => {
    expect(completionTarget('{{ input.qu }}', 11)).toMatchObject({ from: 3, to: 11, closed: true });
    expect(completionTarget('{{ input.quxx }}', 11)).toMatchObject({ to: 13 });
  });

  it('says nothing outside a hole, after a closed one, or inside a string or index', () => {
    expect(completionTarget('plain input', 11)).toBeUndefined();
    expect(completionTarget('{{ input.a }} then inp', 22)).toBeUndefined();
    expect(completionTarget('{{ "inp', 7)).toBeUndefined();
    expect(completionTarget('{{ nodes["a"].te', 16)).toBeUndefined();
    expect(completionTarget('{', 1)).toBeUndefined();
  });

  it('knows a hole is open when only a later hole has its braces', () => {
    expect(completionTarget('{{ inp and {{ env.X }}', 6)).toMatchObject({ closed: false });
  });
});

describe('matchingReferences', () => {
  it('offers names one level below what is typed, at least root.name', () => {
    expect(names(matchingReferences(REFERENCES, 'inp'))).toEqual(['input.question', 'input.meta']);
    expect(names(matchingReferences(REFERENCES, ''))).toEqual([
      'input.question',
      'input.meta',
      'nodes.input',
      'nodes.answer',
      'env.REGION',
    ]);
    expect(names(matchingReferences(REFERENCES, 'nodes.'))).toEqual([
      'nodes.input',
      'nodes.answer',
    ]);
    expect(names(matchingReferences(REFERENCES, 'nodes.answer.'))).toEqual([
      'nodes.answer.text',
      'nodes.answer.usage',
    ]);
    expect(names(matchingReferences(REFERENCES, 'input.meta.'))).toEqual(['input.meta.lang']);
    expect(names(matchingReferences(REFERENCES, 'ENV'))).toEqual(['env.REGION']);
    expect(matchingReferences(REFERENCES, 'zzz')).toEqual([]);
  });
});

describe('acceptReference', () => {
  it('closes an open hole after a leaf and puts the caret after it', () => {
    const text = 'Q: {{ inp';
    const target = completionTarget(text, text.length);
    if (!target) throw new Error('no target');
    expect(acceptReference(text, target, reference('input.question'))).toEqual({
      text: 'Q: {{ input.question }}',
      caret: 23,
    });
  });

  it('leaves the hole open after a name with fields, and never doubles the braces', () => {
    const open = completionTarget('{{ nod', 6);
    if (!open) throw new Error('no target');
    expect(acceptReference('{{ nod', open, reference('nodes.answer', true))).toEqual({
      text: '{{ nodes.answer',
      caret: 15,
    });
    const closed = completionTarget('{{ nodes.answer.te }} after', 18);
    if (!closed) throw new Error('no target');
    expect(
      acceptReference('{{ nodes.answer.te }} after', closed, reference('nodes.answer.text')),
    ).toEqual({ text: '{{ nodes.answer.text }} after', caret: 20 });
  });
});
