/** One thing wrong with a JSON value against a schema, in words a person can act on. */
export interface ConfigIssue {
  /** JSON Pointer of the offending value, relative to the validated value. */
  pointer: string;
  /** The same place, readable: `messages[0].role`; empty for the value itself. */
  field: string;
  message: string;
}
