import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  commentText,
  Identifiers,
  PythonWriter,
  pythonNumber,
  pythonString,
  pythonStringParts,
  pythonValueLines,
  wrapWords,
} from './python-writer.js';

const RUFF = join(import.meta.dirname, '..', '..', '..', '.venv', 'bin', 'ruff');

/** Evaluates Python expressions (one per line) and returns their values as JSON. */
function evaluatePython(expressions: string[]): unknown[] {
  const program = [
    'import json, sys',
    'values = [',
    ...expressions.map((expression) => `    ${expression},`),
    ']',
    // ensure_ascii keeps lone surrogates printable; JSON.parse reads them back as JS does.
    'sys.stdout.write(json.dumps(values))',
  ].join('\n');
  return JSON.parse(execFileSync('python3', ['-c', program], { encoding: 'utf8' })) as unknown[];
}

const HOSTILE = [
  '',
  'plain',
  `"double" 'single' """triple""" '''triple'''`,
  'back\\slash \\" \\n \\x00 \\u1234 \\N{BULLET}',
  '{curly} {{ input.x }} f"{__import__(\'os\')}" %s %(name)s',
  'new\nline\r\ncarriage\ttab\v\f',
  'nul\u0000 bell\u0007 esc\u001b del\u007f c1\u0085\u009f',
  'bidi \u202eevil\u202c zero\u200bwidth \u2028 line sep \u2029 para \ufeff bom',
  'non-ascii: café 日本語 🚀 𝔘𝔫𝔦',
  'lone surrogates: \ud800 and \udfff',
  '"); import os; os.system("touch /tmp/catalyst-pwned"); ("',
  `${'long '.repeat(400)}end`,
  '\\',
  '"',
  '\\\\"',
];

describe('pythonString / pythonStringParts', () => {
  it('round-trips every hostile string exactly through Python', () => {
    const single = HOSTILE.map(pythonString);
    const split = HOSTILE.map((text) => `(${pythonStringParts(text, 40).join(' ')})`);
    expect(evaluatePython(single)).toEqual(HOSTILE);
    expect(evaluatePython(split)).toEqual(HOSTILE);
  });

  it('keeps each part within the width and never splits an escape', () => {
    for (const text of HOSTILE) {
      for (const part of pythonStringParts(text, 30)) {
        expect(part.length).toBeLessThanOrEqual(30 + 10);
        expect(part).toMatch(/^(["']).*\1$/s);
      }
    }
  });

  it('escapes invisible and line-breaking characters so the reader sees them', () => {
    expect(pythonString('a\u202eb\u2028c\u0000')).toBe('"a\\u202eb\\u2028c\\x00"');
    expect(pythonString('café 🚀')).toBe('"café 🚀"');
    expect(pythonString('\ud800')).toBe('"\\ud800"');
    // Ruff's choice: double quotes unless single ones need fewer escapes.
    expect(pythonString(`say "hi"`)).toBe(`'say "hi"'`);
    expect(pythonString(`it's "x"`)).toBe(`'it\\'s "x"'`);
    expect(pythonString(`it's "x" 'y'`)).toBe(`"it's \\"x\\" 'y'"`);
  });
});

describe('commentText and wrapWords', () => {
  it('never lets a comment end its line', () => {
    const text = commentText('one\ntwo\rthree\u2028four\u0085five');
    expect(text).not.toMatch(/[\n\r\u2028\u0085]/);
    expect(text).toBe('one\\ntwo\\rthree\\u2028four\\x85five');
  });

  it('wraps at spaces and cuts words longer than the width', () => {
    expect(wrapWords('aaa bbb ccc', 7)).toEqual(['aaa bbb', 'ccc']);
    expect(wrapWords('x'.repeat(12), 5)).toEqual(['xxxxx', 'xxxxx', 'xx']);
    expect(wrapWords('  indented words here', 12)).toEqual(['  indented', '  words here']);
  });
});

describe('Identifiers', () => {
  it('makes unique, valid names that shadow no keyword or builtin', () => {
    const names = new Identifiers(['WORKFLOW']);
    const taken = [
      'input',
      'class',
      'None',
      'match',
      '__import__',
      '1st',
      'café-node',
      '日本',
      'WORKFLOW',
      'answer',
      'answer',
      'Answer',
      'x'.repeat(200),
    ].map((name) => names.take(name));
    expect(taken).toEqual([
      'input_',
      'class_',
      'none',
      'match_',
      'import_',
      'node_1st',
      'cafe_node',
      'node',
      'workflow',
      'answer',
      'answer_2',
      'answer_3',
      'x'.repeat(40),
    ]);
    const check = evaluatePython(
      taken.map(
        (name) =>
          `__import__("keyword").iskeyword(${JSON.stringify(name)}) or not ${JSON.stringify(name)}.isidentifier()`,
      ),
    );
    expect(check.every((bad) => bad === false)).toBe(true);
  });
});

describe('pythonNumber', () => {
  it('writes the number JSON.parse would hold', () => {
    expect(pythonNumber(1)).toBe('1');
    expect(pythonNumber(-0.5)).toBe('-0.5');
    expect(pythonNumber(1e21)).toBe('1e21');
    expect(pythonNumber(2 ** 60)).toBe('1152921504606847000.0');
    expect(evaluatePython(['1e21', '1152921504606847000.0', '1e-7'])).toEqual([
      1e21,
      2 ** 60,
      1e-7,
    ]);
  });
});

describe('pythonValueLines', () => {
  it('lays a nested JSON value out as Python that evaluates to it', () => {
    const value = {
      model: 'claude-haiku-4-5',
      messages: [{ role: 'user', content: `line one\n${'word '.repeat(60)}` }],
      flags: [true, false, null, 0.25],
      [`${'k'.repeat(150)}"`]: 'long key',
      '0': 'index key',
    };
    const lines = pythonValueLines(value, 0, '', '');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(100);
    const [evaluated] = evaluatePython([lines.join('\n')]);
    expect(evaluated).toEqual(value);
  });
});

describe('layout as ruff formats it', () => {
  it('writes values that `ruff format` leaves unchanged, at and around the line width', () => {
    // Around the width every decision flips: inline or not, one literal or parts, which quote.
    const flavours = ['a', 'é', '日', '🚀', 'e\u0301', '"', "'", '\n', '\\'];
    const writer = new PythonWriter();
    let index = 0;
    for (const flavour of flavours) {
      for (let length = 60; length <= 200; length += 1) {
        const text = `${'w '.repeat(length >> 2)}${flavour.repeat(3)}${'x'.repeat(length % 7)}`;
        writer.lines(pythonValueLines(text, 0, `value_${index} = `));
        writer.lines(
          pythonValueLines(
            { [text]: [text, { nested: text.slice(0, length >> 1) }] },
            0,
            `item_${index} = `,
          ),
        );
        index += 1;
      }
    }
    const source = writer.toString();
    const formatted = execFileSync(
      RUFF,
      ['format', '--isolated', '--line-length', '100', '--target-version', 'py311', '-'],
      { input: source, encoding: 'utf8' },
    );
    expect(formatted).toBe(source);
  });
});

describe('PythonWriter', () => {
  it('owns indentation', () => {
    const writer = new PythonWriter();
    writer.line('def f() -> None:');
    writer.indent(() => writer.comment('a\nb').line('return None'));
    expect(writer.toString()).toBe('def f() -> None:\n    # a\n    # b\n    return None\n');
  });
});
