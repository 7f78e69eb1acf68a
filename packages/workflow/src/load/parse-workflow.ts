import type { WorkflowDefinition } from '@catalyst/spec';
import { LineCounter, parseDocument } from 'yaml';
import { findJsonSyntaxError } from './find-json-syntax-error.js';
import { jsonSourceMap } from './json-source-map.js';
import { createLineIndex } from './line-index.js';
import type { FileLocation, LoadedWorkflow } from './loaded-workflow.js';
import { WorkflowSyntaxError } from './workflow-syntax-error.js';
import { yamlSourceMap } from './yaml-source-map.js';

/** Options for {@link parseWorkflow}. */
export interface ParseWorkflowOptions {
  /** Names the file in problems; a `.yaml` or `.yml` ending selects YAML, anything else JSON. */
  fileName: string;
}

/**
 * Parses the text of a workflow file (JSON, or YAML for `.yaml`/`.yml` names) and keeps a source
 * map so problems can point at lines. It does not validate: call {@link validateWorkflow} next.
 *
 * @throws WorkflowSyntaxError with the line and column of the first syntax error.
 * @example
 * const loaded = parseWorkflow(text, { fileName: 'flow.yaml' });
 * loaded.locate('/nodes/1/config/prompt'); // { line: 9, column: 7 }
 */
export function parseWorkflow(text: string, options: ParseWorkflowOptions): LoadedWorkflow {
  const { fileName } = options;
  const locations = /\.ya?ml$/i.test(fileName)
    ? parseYaml(text, fileName)
    : parseJson(text, fileName);
  return {
    definition: locations.value as WorkflowDefinition,
    fileName,
    locate: (pointer) => locations.map.get(pointer),
  };
}

interface Parsed {
  value: unknown;
  map: Map<string, FileLocation>;
}

function parseJson(text: string, fileName: string): Parsed {
  // A BOM is legal in files but not in JSON.parse's grammar.
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (error) {
    // Our own scanner finds the spot; JSON.parse names a position for only some errors.
    const syntaxError = findJsonSyntaxError(source) ?? {
      index: source.length,
      message: error instanceof Error ? error.message : String(error),
    };
    const { line, column } = createLineIndex(source)(syntaxError.index);
    throw new WorkflowSyntaxError({
      code: 'invalid_syntax',
      severity: 'error',
      message: `invalid JSON: ${syntaxError.message}`,
      file: fileName,
      line,
      column,
    });
  }
  const map = jsonSourceMap(source, {
    onDuplicateKey: (pointer, location) => {
      // JSON.parse silently keeps the last value; a repeated key is almost always a mistake.
      throw new WorkflowSyntaxError({
        code: 'invalid_syntax',
        severity: 'error',
        message: `duplicate key "${pointer.split('/').at(-1)?.replaceAll('~1', '/').replaceAll('~0', '~')}" at ${pointer}: JSON would silently keep only the last value`,
        file: fileName,
        line: location.line,
        column: location.column,
      });
    },
  });
  return { value, map };
}

function parseYaml(text: string, fileName: string): Parsed {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const [first] = document.errors;
  if (first) {
    const position = lineCounter.linePos(first.pos[0]);
    throw new WorkflowSyntaxError({
      code: 'invalid_syntax',
      severity: 'error',
      message: `invalid YAML: ${first.message}`,
      file: fileName,
      line: position.line,
      column: position.col,
    });
  }
  return { value: document.toJS(), map: yamlSourceMap(document.contents, lineCounter) };
}
