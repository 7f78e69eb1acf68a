import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ConfigIssue } from './config-issue.js';
import { humanizeSchemaErrors } from './humanize-schema-errors.js';

// Not strict: users' schemas may carry keywords of their own (`x-…`, editor hints).
const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: false });

/**
 * Checks that `schema` is a valid JSON Schema (draft 2020-12), returning what is wrong with it.
 *
 * @example
 * validateJsonSchema({ type: 'strng' }); // [{ pointer: '/type', field: 'type', message: 'must be … (got "strng")' }]
 */
export function validateJsonSchema(schema: unknown): ConfigIssue[] {
  if (ajv.validateSchema(schema as object) === true) return [];
  return humanizeSchemaErrors(ajv.errors ?? []);
}
