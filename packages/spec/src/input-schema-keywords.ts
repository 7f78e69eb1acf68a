/**
 * The JSON Schema keywords a workflow's `input` schema may use. Both runtimes validate run inputs
 * with their own small validator over exactly these keywords, so a bad input gets the same 422
 * body from `catalyst serve` and from a generated Python service; the workflow validator rejects
 * any other keyword (except `x-…` annotations) rather than ignore it silently.
 */
export const SUPPORTED_INPUT_KEYWORDS: readonly string[] = [
  'type',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'enum',
  'const',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'minItems',
  'maxItems',
  'description',
  'title',
  'default',
  'examples',
  '$schema',
];
