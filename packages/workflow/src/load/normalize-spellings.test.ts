import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validateWorkflow } from '../validate/validate-workflow.js';
import { parseWorkflow, rewriteSpellings } from './parse-workflow.js';

// examples/planning/seed-shapes.json is written the way the planning documents (seeds 000, 002,
// 003) show workflows; only its model ids are current ones, the seeds' are retired.
const SEED_FILE = fileURLToPath(
  new URL('../../../../examples/planning/seed-shapes.json', import.meta.url),
);
const seedText = readFileSync(SEED_FILE, 'utf8');

describe('planning-document spellings', () => {
  it('load into the canonical form', () => {
    const loaded = parseWorkflow(seedText, { fileName: 'seed-shapes.json' });
    const [, extract, answer] = loaded.definition.nodes;
    expect(extract?.config).toEqual({
      model: 'gpt-4.1-mini',
      messages: [
        { role: 'user', content: 'Return the topic of this as JSON: {{ input.question }}' },
      ],
      maxTokens: 256,
      responseFormat: 'json_object',
      tools: [
        {
          name: 'get_weather',
          description: 'Get weather for a location',
          parameters: { type: 'object', properties: { location: { type: 'string' } } },
        },
      ],
    });
    expect(answer?.config).toEqual({
      routes: [
        { condition: 'true', target: { provider: 'groq', model: 'llama-3.3-70b-versatile' } },
      ],
      default: { provider: 'anthropic', model: 'claude-haiku-4-5' },
      messages: [{ role: 'user', content: 'Answer briefly: {{ nodes.extract.text }}' }],
      maxTokens: 1024,
    });
  });

  it('validate with a warning per old spelling, at its line, showing the current spelling', () => {
    const problems = validateWorkflow(parseWorkflow(seedText, { fileName: 'seed-shapes.json' }));
    expect(problems.every((problem) => problem.severity === 'warning')).toBe(true);
    expect(problems.map((problem) => [problem.code, problem.node, problem.field])).toEqual([
      ['old_spelling', 'extract', 'max_tokens'],
      ['old_spelling', 'extract', 'response_format'],
      ['old_spelling', 'extract', 'functions'],
      ['old_spelling', 'answer', 'condition'],
      ['old_spelling', 'answer', 'provider'],
      ['old_spelling', 'answer', 'model'],
      ['old_spelling', 'answer', 'default'],
      ['old_spelling', 'answer', 'max_tokens'],
    ]);
    const maxTokens = problems[0];
    expect(maxTokens?.message).toBe('"max_tokens" is an old spelling; write "maxTokens": 256');
    expect(maxTokens?.line).toBe(
      seedText.split('\n').findIndex((line) => line.includes('"max_tokens": 256')) + 1,
    );
    expect(problems[6]?.message).toContain(
      'write "default": {"provider":"anthropic","model":"claude-haiku-4-5"}',
    );
  });

  it('--fix rewrites JSON into the canonical form, which then loads without a warning', () => {
    const fixed = rewriteSpellings(seedText, { fileName: 'seed-shapes.json' });
    expect(fixed.changes).toHaveLength(8);
    expect(fixed.text).toMatch(/^\{\n {2}"id": "seed-shapes",/);
    expect(fixed.text).toContain('"maxTokens": 256');
    const again = parseWorkflow(fixed.text, { fileName: 'seed-shapes.json' });
    expect(again.spellings).toEqual([]);
    expect(validateWorkflow(again)).toEqual([]);
    expect(again.definition).toEqual(
      parseWorkflow(seedText, { fileName: 'seed-shapes.json' }).definition,
    );
  });

  it('--fix edits YAML in place, keeping comments', () => {
    const yaml = `# planning-document router
id: r
name: R
input: { type: object }
nodes:
  - id: input
    type: input
  - id: answer
    type: llmRouter
    config:
      prompt: hi # the question
      routes:
        - condition: always
          provider: openai
          model: gpt-4.1-mini
      default: groq
  - id: output
    type: output
edges:
  - { from: input, to: answer }
  - { from: answer, to: output }
`;
    const fixed = rewriteSpellings(yaml, { fileName: 'r.yaml' });
    expect(fixed.text).toContain('# planning-document router');
    expect(fixed.text).toContain('prompt: hi # the question');
    const again = parseWorkflow(fixed.text, { fileName: 'r.yaml' });
    expect(again.spellings).toEqual([]);
    expect(again.definition.nodes[1]?.config).toEqual({
      prompt: 'hi',
      routes: [{ condition: 'true', target: { provider: 'openai', model: 'gpt-4.1-mini' } }],
      default: { provider: 'groq', model: 'llama-3.3-70b-versatile' },
    });
    expect(validateWorkflow(again)).toEqual([]);
  });

  it('leaves canonical files untouched', () => {
    const canonical = readFileSync(
      fileURLToPath(new URL('../../../../examples/router.json', import.meta.url)),
      'utf8',
    );
    expect(rewriteSpellings(canonical, { fileName: 'router.json' })).toEqual({
      text: canonical,
      changes: [],
    });
  });
});
