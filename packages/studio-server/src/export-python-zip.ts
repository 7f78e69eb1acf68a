import { generatePythonProject, loadRuntimeSources } from '@catalyst/codegen-python';
import type { WorkflowDefinition } from '@catalyst/spec';
import { strToU8, type Zippable, zipSync } from 'fflate';

/**
 * The Python FastAPI project `catalyst build --target python` would write, as a zip whose files
 * sit in one folder named after the workflow.
 *
 * @example
 * const zip = exportPythonZip({ workflow, sourceName: 'chat.json' }); // Uint8Array
 */
export function exportPythonZip(options: {
  workflow: WorkflowDefinition;
  sourceName: string;
}): Uint8Array {
  const files = generatePythonProject(options.workflow, {
    runtime: loadRuntimeSources(),
    sourceName: options.sourceName,
  });
  const tree: Zippable = {};
  for (const file of files) tree[`${options.workflow.id}/${file.path}`] = strToU8(file.content);
  return zipSync(tree, { level: 6, mtime: new Date('2020-01-01T00:00:00Z') });
}

/** The generated `app/workflow.py`, for the studio's read-only view. */
export function generatedWorkflowModule(options: {
  workflow: WorkflowDefinition;
  sourceName: string;
}): string {
  const files = generatePythonProject(options.workflow, {
    runtime: loadRuntimeSources(),
    sourceName: options.sourceName,
  });
  return files.find((file) => file.path === 'app/workflow.py')?.content ?? '';
}
