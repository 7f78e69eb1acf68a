import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { workflowFileSchema } from './workflow-file-schema.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const committed = JSON.parse(readFileSync(`${root}schema/workflow.schema.json`, 'utf8'));

describe('workflowFileSchema', () => {
  it('equals the committed schema/workflow.schema.json (run `npm run generate` after changing a node type)', () => {
    expect(committed).toEqual(workflowFileSchema());
  });

  const validate = new Ajv2020({ allErrors: true, strict: true }).compile(workflowFileSchema());

  it.each(readdirSync(`${root}examples`).filter((name) => name.endsWith('.json')))(
    'accepts examples/%s',
    (name) => {
      const ok = validate(JSON.parse(readFileSync(`${root}examples/${name}`, 'utf8')));
      expect(validate.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
    },
  );

  it('lets config fields with defaults be left out, and rejects unknown types and bad configs', () => {
    const base = { id: 'x', name: 'x', input: { type: 'object' }, edges: [] };
    expect(
      validate({
        ...base,
        nodes: [{ id: 'a', type: 'openaiCompletion', config: { prompt: 'hi' } }],
      }),
    ).toBe(true);
    expect(validate({ ...base, nodes: [{ id: 'a', type: 'openaiCompletions' }] })).toBe(false);
    expect(
      validate({
        ...base,
        nodes: [{ id: 'a', type: 'anthropicCompletion', config: { temperature: 2 } }],
      }),
    ).toBe(false);
    // Azure has no default model: the deployment name is required, so is config.
    expect(validate({ ...base, nodes: [{ id: 'a', type: 'azureOpenaiCompletion' }] })).toBe(false);
    expect(
      validate({
        ...base,
        nodes: [{ id: 'a', type: 'azureOpenaiCompletion', config: { model: 'prod-gpt' } }],
      }),
    ).toBe(true);
  });
});
