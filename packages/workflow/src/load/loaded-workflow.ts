import type { WorkflowDefinition } from '@catalyst/spec';
import type { SpellingChange } from './normalize-spellings.js';

/** A one-based line and column in a workflow file. */
export interface FileLocation {
  line: number;
  column: number;
}

/**
 * A parsed workflow file, not yet validated: `definition` is whatever the file held (run
 * {@link validateWorkflow} before trusting its shape).
 */
export interface LoadedWorkflow {
  definition: WorkflowDefinition;
  /** The name problems are reported under, as given (usually the path the user typed). */
  fileName: string;
  /**
   * Where a JSON Pointer (`/nodes/1/config/prompt`) sits in the file: the member's key for an
   * object member (where an editor's cursor should go), the value's start for an array item and
   * the root. Undefined when the pointer is not in the file (e.g. a default) or for text given
   * without a source map.
   */
  locate(pointer: string): FileLocation | undefined;
  /**
   * Old spellings (the planning documents' shapes) already rewritten in `definition`; the
   * validator warns about each, `catalyst validate --fix` rewrites the file.
   */
  spellings?: SpellingChange[];
}
