import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { editWorkflowText } from './edit-workflow-text.js';

const chat = readFileSync(new URL('../../../examples/chat.json', import.meta.url), 'utf8');

/** The lines of `after` that are not in `before` and the other way round. */
function changedLines(before: string, after: string): { added: string[]; removed: string[] } {
  const beforeLines = before.split('\n');
  const afterLines = after.split('\n');
  return {
    added: afterLines.filter((line) => !beforeLines.includes(line)),
    removed: beforeLines.filter((line) => !afterLines.includes(line)),
  };
}

describe('editWorkflowText', () => {
  it('changes one JSON field on one line and keeps the rest byte for byte', () => {
    const value = JSON.parse(chat);
    value.nodes[1].config.maxTokens = 256;
    const edited = editWorkflowText({ text: chat, value, fileName: 'chat.json' });
    expect(changedLines(chat, edited)).toEqual({
      added: ['        "maxTokens": 256'],
      removed: ['        "maxTokens": 1024'],
    });
    expect(JSON.parse(edited)).toEqual(value);
  });

  it('returns the text unchanged when nothing changed', () => {
    expect(editWorkflowText({ text: chat, value: JSON.parse(chat), fileName: 'chat.json' })).toBe(
      chat,
    );
  });

  it('appends a node and removes an edge without reformatting the others', () => {
    const value = JSON.parse(chat);
    value.nodes.push({ id: 'extra', type: 'promptTemplate', position: { x: 10, y: 20 } });
    value.edges.splice(1, 1);
    const edited = editWorkflowText({ text: chat, value, fileName: 'chat.json' });
    expect(JSON.parse(edited)).toEqual(value);
    expect(edited).toContain('{ "id": "input", "type": "input" },');
    expect(edited).not.toContain('"from": "answer", "to": "output"');
  });

  it('edits YAML in place and keeps its comments', () => {
    const yaml = [
      '# A greeting workflow',
      'id: hello',
      'name: Hello',
      'input:',
      '  type: object',
      'nodes:',
      '  - id: input',
      '    type: input # where the run starts',
      '  - id: output',
      '    type: output',
      'edges:',
      '  - { from: input, to: output }',
      '',
    ].join('\n');
    const edited = editWorkflowText({
      text: yaml,
      value: {
        id: 'hello',
        name: 'Hello there',
        input: { type: 'object' },
        nodes: [
          { id: 'input', type: 'input' },
          { id: 'output', type: 'output' },
        ],
        edges: [{ from: 'input', to: 'output' }],
      },
      fileName: 'hello.yaml',
    });
    expect(changedLines(yaml, edited)).toEqual({
      added: ['name: Hello there'],
      removed: ['name: Hello'],
    });
  });
});
