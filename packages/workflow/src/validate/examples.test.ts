import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadWorkflowFile } from '../load/load-workflow-file.js';
import { WorkflowSyntaxError } from '../load/workflow-syntax-error.js';
import { formatProblem } from '../problems/format-problem.js';
import type { WorkflowProblemCode } from '../problems/workflow-problem.js';
import { validateWorkflow } from './validate-workflow.js';

const examples = fileURLToPath(new URL('../../../../examples/', import.meta.url));

/** What each broken example demonstrates (`catalyst validate examples/broken/<name>` shows it). */
const BROKEN: Record<string, WorkflowProblemCode[]> = {
  'cycle.json': ['cycle'],
  'dangling-edge.json': ['dangling_edge', 'dangling_edge'],
  'duplicate-node.json': ['duplicate_node'],
  'env-not-allowed.json': ['env_not_allowed'],
  'expression-syntax.json': ['expression_syntax'],
  'invalid-config.json': ['invalid_config', 'invalid_config', 'invalid_config', 'invalid_config'],
  'invalid-file.json': [
    'invalid_file',
    'invalid_file',
    'invalid_file',
    'invalid_file',
    'invalid_file',
  ],
  'invalid-handle.json': ['invalid_handle', 'invalid_handle'],
  'invalid-input-schema.json': ['invalid_input_schema'],
  'invalid-syntax.json': ['invalid_syntax'],
  'invalid-syntax.yaml': ['invalid_syntax'],
  'missing-input.json': ['missing_input', 'missing_input', 'missing_input', 'missing_input'],
  'models.json': ['retired_model', 'unknown_model'],
  'not-upstream.json': ['not_upstream'],
  'router.json': ['expression_syntax', 'env_not_allowed', 'unknown_model'],
  'unknown-node-type.json': ['unknown_node_type'],
  'unknown-reference.json': ['unknown_reference', 'unknown_reference'],
  'unreachable-node.json': ['unreachable_node'],
};

describe('examples', () => {
  const valid = readdirSync(examples).filter((name) => name.endsWith('.json'));

  it('has the documented examples', () => {
    expect(valid.sort()).toEqual([
      'chain.json',
      'chat.json',
      'embeddings.json',
      'extraction.json',
      'hello.json',
      'parallel.json',
      'router.json',
    ]);
  });

  it.each(valid)('examples/%s is valid, without even a warning', async (name) => {
    const problems = validateWorkflow(await loadWorkflowFile(`${examples}${name}`));
    expect(problems.map(formatProblem)).toEqual([]);
  });

  const broken = readdirSync(`${examples}broken`).filter(
    (name) => /\.(json|ya?ml)$/.test(name) && name !== 'biome.json',
  );

  it('has a broken example for every file listed here, and nothing else', () => {
    expect(broken.sort()).toEqual(Object.keys(BROKEN).sort());
  });

  it.each(broken)('examples/broken/%s shows its problems, each with a line', async (name) => {
    const path = `${examples}broken/${name}`;
    let problems: ReturnType<typeof validateWorkflow>;
    try {
      problems = validateWorkflow(await loadWorkflowFile(path));
    } catch (error) {
      if (!(error instanceof WorkflowSyntaxError)) throw error;
      problems = [error.problem];
    }
    expect(problems.map((problem) => problem.code)).toEqual(BROKEN[name]);
    for (const problem of problems) {
      expect(problem.file).toBe(path);
      expect(problem.line).toBeGreaterThan(0);
      expect(problem.column).toBeGreaterThan(0);
    }
  });
});
